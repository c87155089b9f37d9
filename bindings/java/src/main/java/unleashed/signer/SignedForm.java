package unleashed.signer;

/** Which form of a query is signed (the {@code UNLEASHED_SIGNED_FORM_*} values of the C header). */
public enum SignedForm {
    /** The percent-decoded query, as a person writes it: the default, and what Unleashed's evidence favours. */
    DECODED(0),
    /** The query bytes exactly as sent on the wire. */
    WIRE(1);

    final int code;

    SignedForm(int code) {
        this.code = code;
    }
}
