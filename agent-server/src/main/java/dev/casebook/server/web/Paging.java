package dev.casebook.server.web;

/** Where a page of a listing starts; a page beyond any a list can have is a 400 problem, not an overflow. */
public final class Paging {
    private Paging() {
    }

    /**
     * The offset of page {@code page} (from 0) of {@code size} items.
     *
     * @throws ApiException 400 when the page's end lies past {@link Integer#MAX_VALUE} items
     */
    public static int offset(int page, int size) {
        if ((long) (page + 1L) * size > Integer.MAX_VALUE) {
            throw ApiException.badRequest("parameter 'page' is " + page + ": no list has a page that far (page x size"
                    + " must stay below " + Integer.MAX_VALUE + ")");
        }
        return page * size;
    }
}
