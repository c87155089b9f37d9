// Signs every case of testdata/vectors.txt through the C++ wrapper (unleashed.hpp) and checks each result.
// C++17; builds with -std=c++17 -Wall -Wextra -Werror -pedantic.
//
//     c++ -std=c++17 -Iinclude -Iexamples/cpp examples/cpp/sign_vectors.cpp
//         target/debug/libunleashed_signer_ffi.a -lpthread -ldl -lm -o sign_vectors_cpp
//     ./sign_vectors_cpp testdata/vectors.txt
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "unleashed.hpp"

namespace {

int checks = 0;
int failures = 0;

void expect(bool ok, std::size_t line, const std::string &what) {
    ++checks;
    if (!ok) {
        ++failures;
        std::cerr << "line " << line << ": " << what << '\n';
    }
}

std::string unhex(const std::string &hex) {
    if (hex == "-") return {};
    if (hex.size() % 2 != 0) throw std::invalid_argument("odd hex length");
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
}

unleashed_key_format key_format(const std::string &name) {
    if (name == "text") return UNLEASHED_KEY_FORMAT_TEXT;
    if (name == "base64") return UNLEASHED_KEY_FORMAT_BASE64;
    if (name == "raw") return UNLEASHED_KEY_FORMAT_RAW;
    throw std::invalid_argument("unknown key format " + name);
}

void run_case(std::size_t line, const std::vector<std::string> &f) {
    const std::string &kind = f[0], &signature = f[6];
    const unleashed::Key key(unhex(f[2]), key_format(f[1]));
    const unleashed::Form form = f[3] == "wire" ? unleashed::Form::Wire : unleashed::Form::Decoded;
    const std::string wire = unhex(f[5]);
    if (kind == "sign") {
        const std::string message = unhex(f[4]);
        expect(key.sign(message) == signature, line, "sign gave " + key.sign(message));
        expect(key.verify(message, signature), line, "verify rejected the expected signature");
        expect(!key.verify(message + "x", signature), line, "verify accepted a changed message");
    } else if (kind == "url") {
        const std::string url = unhex(f[4]);
        expect(key.sign_url(url, form) == signature, line, "sign_url gave " + key.sign_url(url, form));
    } else if (kind == "query") {
        unleashed::Query query(wire.size() + 1);
        std::istringstream pairs(f[4]);
        std::string pair;
        while (f[4] != "-" && std::getline(pairs, pair, ',')) {
            const auto colon = pair.find(':');
            query.push(unhex(pair.substr(0, colon)), unhex(pair.substr(colon + 1)));
        }
        expect(query.wire() == wire, line, "built query differs: " + std::string(query.wire()));
        expect(query.sign(key, form) == signature, line, "query sign gave " + query.sign(key, form));
        if (!wire.empty()) {
            // One byte short: the last parameter must not fit, and the exception names the exact size.
            unleashed::Query tight(wire.size());
            std::istringstream again(f[4]);
            std::size_t needed = 0;
            try {
                while (std::getline(again, pair, ',')) {
                    const auto colon = pair.find(':');
                    tight.push(unhex(pair.substr(0, colon)), unhex(pair.substr(colon + 1)));
                }
            } catch (const unleashed::Query::TooLong &e) {
                needed = e.needed;
            }
            expect(needed == wire.size() + 1, line, "a one-byte-short buffer did not report the exact size");
        }
    } else {
        expect(false, line, "unknown kind " + kind);
    }
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::cerr << "usage: " << argv[0] << " testdata/vectors.txt\n";
        return 2;
    }
    std::ifstream file(argv[1]);
    if (!file) {
        std::cerr << "cannot read " << argv[1] << '\n';
        return 2;
    }
    expect(std::strcmp(unleashed_version(), UNLEASHED_VERSION) == 0, 0, "header and library versions differ");

    // The wrapper turns a bad key into an exception carrying the status and its message.
    try {
        unleashed::Key bad("key with a trailing newline\n");
        expect(false, 0, "a key with a newline was accepted");
    } catch (const unleashed::Error &e) {
        expect(e.status() == UNLEASHED_KEY_WHITESPACE && std::string(e.what()).find("whitespace") != std::string::npos,
               0, std::string("unexpected error: ") + e.what());
    }

    // A move hands the key over and clears the old storage: the new key signs as the old one did, the old one
    // refuses to sign, and its storage is all zero.
    {
        unleashed::Key first("made-up-key");
        const std::string expected = first.sign("customerCode=ACME");
        unleashed::Key second(std::move(first));
        expect(second.sign("customerCode=ACME") == expected, 0, "a moved key signs differently");
        const unsigned char *old = reinterpret_cast<const unsigned char *>(first.get());
        bool zero = true;
        for (std::size_t i = 0; i < sizeof(unleashed_key); ++i) zero = zero && old[i] == 0;
        expect(zero, 0, "a moved-from key's storage is not all zero");
        try {
            (void)first.sign("customerCode=ACME");
            expect(false, 0, "a moved-from key signed");
        } catch (const unleashed::Error &e) {
            expect(e.status() == UNLEASHED_KEY_NOT_INITIALISED, 0, std::string("unexpected error: ") + e.what());
        }
        unleashed::Key third("another-made-up-key");
        third = std::move(second);
        expect(third.sign("customerCode=ACME") == expected, 0, "a move-assigned key signs differently");
    }

    std::string text;
    std::size_t line = 0, cases = 0;
    while (std::getline(file, text)) {
        ++line;
        if (text.empty() || text[0] == '#') continue;
        std::istringstream fields(text);
        std::vector<std::string> f;
        for (std::string field; fields >> field;) f.push_back(field);
        if (f.size() != 7) {
            expect(false, line, "expected 7 fields");
            continue;
        }
        ++cases;
        try {
            run_case(line, f);
        } catch (const std::exception &e) {
            expect(false, line, std::string("exception: ") + e.what());
        }
    }
    if (cases == 0) {
        std::cerr << "no cases in " << argv[1] << '\n';
        return 1;
    }
    std::cout << "sign_vectors_cpp: " << cases << " cases\n";
    std::cout << checks - failures << " passed, " << failures << " failed\n";
    return failures == 0 ? 0 : 1;
}
