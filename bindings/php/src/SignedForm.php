<?php

declare(strict_types=1);

namespace Unleashed\Signer;

/** Which bytes of a query are signed (`UNLEASHED_SIGNED_FORM_*`; tests/HeaderTest.php checks the numbers). */
enum SignedForm: int
{
    /** The percent-decoded query, as a person writes it: the default, and what Unleashed's evidence favours. */
    case Decoded = 0;

    /** The query bytes exactly as sent on the wire. */
    case Wire = 1;
}
