package dev.casebook.eval.score;

/** SimpleQA's three grades. */
public enum SimpleQaGrade { CORRECT, INCORRECT, NOT_ATTEMPTED }
