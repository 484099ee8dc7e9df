package dev.casebook.inference;

/**
 * The device setting asks for a device the engine does not have (a GPU on a machine or a build without one). The
 * message names the setting, the engine and the devices it found; retrying cannot help.
 */
public final class DeviceUnavailableException extends InferenceException {

    public DeviceUnavailableException(String message) {
        super(message, false, null);
    }
}
