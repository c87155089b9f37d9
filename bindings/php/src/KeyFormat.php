<?php

declare(strict_types=1);

namespace Unleashed\Signer;

/** How the secret given to {@see SigningKey} is read (`UNLEASHED_KEY_FORMAT_*`; checked against the header). */
enum KeyFormat: int
{
    /**
     * The key text's own bytes are the HMAC key: Unleashed's way. Rejects empty keys, whitespace (a pasted
     * trailing newline) and control characters.
     */
    case Text = 0;

    /** Padded standard base64, decoded to the HMAC key. Never right for Unleashed keys. */
    case Base64 = 1;

    /** The bytes are the HMAC key as they are; only an empty secret is rejected. */
    case Raw = 2;
}
