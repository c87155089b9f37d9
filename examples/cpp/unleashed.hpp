// A small C++17 wrapper over the C API: errors become exceptions, and the key is wiped by its destructor.
#ifndef UNLEASHED_HPP
#define UNLEASHED_HPP

#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "unleashed_signer.h"

namespace unleashed {

/// A failed call: `status()` is the C status and `what()` its message.
class Error : public std::runtime_error {
public:
    explicit Error(unleashed_status status) : std::runtime_error(unleashed_status_str(status)), status_(status) {}
    unleashed_status status() const noexcept { return status_; }

private:
    unleashed_status status_;
};

inline void check(unleashed_status status) {
    if (status != UNLEASHED_OK) throw Error(status);
}

enum class Form : unleashed_signed_form { Decoded = UNLEASHED_SIGNED_FORM_DECODED, Wire = UNLEASHED_SIGNED_FORM_WIRE };

/// A prepared signing key. Its storage is wiped when it goes out of scope, also during stack unwinding.
/// Not copyable. Movable, so it can be returned and kept in containers: a move copies the storage into the new
/// key and clears the old one, so exactly one live copy of the key material exists; a moved-from key throws
/// `Error` (`UNLEASHED_KEY_NOT_INITIALISED`) when used.
class Key {
public:
    explicit Key(std::string_view secret, unleashed_key_format format = UNLEASHED_KEY_FORMAT_TEXT) : key_{} {
        check(unleashed_key_init(&key_, secret.data(), secret.size(), format));
    }
    ~Key() { unleashed_key_clear(&key_); }
    Key(const Key &) = delete;
    Key &operator=(const Key &) = delete;
    Key(Key &&other) noexcept : key_{} { take(other); }
    Key &operator=(Key &&other) noexcept {
        if (this != &other) {
            unleashed_key_clear(&key_);
            take(other);
        }
        return *this;
    }

    /// Signs the bytes verbatim.
    std::string sign(std::string_view message) const {
        char out[UNLEASHED_SIGNATURE_BUFFER_LEN];
        check(unleashed_sign(&key_, message.data(), message.size(), out, sizeof out));
        return std::string(out, UNLEASHED_SIGNATURE_LEN);
    }

    /// Signs the query of a URL or path-and-query.
    std::string sign_url(std::string_view url, Form form = Form::Decoded) const {
        char out[UNLEASHED_SIGNATURE_BUFFER_LEN];
        check(unleashed_sign_url(&key_, url.data(), url.size(), static_cast<unleashed_signed_form>(form), out,
                                 sizeof out));
        return std::string(out, UNLEASHED_SIGNATURE_LEN);
    }

    /// Whether `signature` is this key's signature of `message` (compared in constant time).
    bool verify(std::string_view message, std::string_view signature) const {
        unleashed_status status = unleashed_verify(&key_, message.data(), message.size(), signature.data(),
                                                   signature.size());
        if (status == UNLEASHED_SIGNATURE_MISMATCH) return false;
        check(status);
        return true;
    }

    const unleashed_key *get() const noexcept { return &key_; }

private:
    /// The storage holds no pointers, so a byte copy is a working key; the source is wiped right after.
    void take(Key &other) noexcept {
        std::memcpy(&key_, &other.key_, sizeof key_);
        unleashed_key_clear(&other.key_);
    }

    unleashed_key key_;
};

/// A query built in a buffer of fixed capacity; `push` throws `QueryTooLong` with the size it needs.
class Query {
public:
    class TooLong : public Error {
    public:
        explicit TooLong(std::size_t needed) : Error(UNLEASHED_BUFFER_TOO_SMALL), needed(needed) {}
        std::size_t needed;
    };

    explicit Query(std::size_t capacity) : buf_(capacity > 0 ? capacity : 1), query_{} {
        check(unleashed_query_init(&query_, buf_.data(), buf_.size()));
    }
    Query(const Query &) = delete;
    Query &operator=(const Query &) = delete;

    Query &push(std::string_view name, std::string_view value) {
        std::size_t needed = 0;
        unleashed_status status =
            unleashed_query_push(&query_, name.data(), name.size(), value.data(), value.size(), &needed);
        if (status == UNLEASHED_BUFFER_TOO_SMALL) throw TooLong(needed);
        check(status);
        return *this;
    }

    std::string_view wire() const { return {unleashed_query_str(&query_), unleashed_query_len(&query_)}; }

    std::string sign(const Key &key, Form form = Form::Decoded) const {
        char out[UNLEASHED_SIGNATURE_BUFFER_LEN];
        check(unleashed_query_sign(&query_, key.get(), static_cast<unleashed_signed_form>(form), out, sizeof out));
        return std::string(out, UNLEASHED_SIGNATURE_LEN);
    }

private:
    std::vector<char> buf_;
    unleashed_query query_;
};

}  // namespace unleashed

#endif  // UNLEASHED_HPP
