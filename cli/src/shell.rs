//! POSIX shell quoting, so a printed command can be pasted or `eval`ed and run with exactly these arguments.

/// Quotes `word` for a POSIX shell: unchanged when it holds only characters no shell treats specially,
/// otherwise in single quotes, with each `'` written as `'\''`.
pub fn quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:,@%+=".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        return word.to_owned();
    }
    let mut quoted = String::with_capacity(word.len() + 2);
    quoted.push('\'');
    for c in word.chars() {
        if c == '\'' {
            quoted.push_str("'\\''");
        } else {
            quoted.push(c);
        }
    }
    quoted.push('\'');
    quoted
}

/// Joins `words` into one command line, quoting each.
pub fn join<S: AsRef<str>>(words: &[S]) -> String {
    words.iter().map(|word| quote(word.as_ref())).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(quote("curl"), "curl");
        assert_eq!(quote("a=1,2"), "a=1,2");
        // `?` is a glob character and `&` ends a command: a URL with a query is always quoted.
        assert_eq!(quote("https://h/C?a=1&b=2"), "'https://h/C?a=1&b=2'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn a_real_shell_reads_back_every_word() {
        let words = ["a b", "it's", "$HOME", "`x`", "a&b;c|d", "*", "~", "\"q\"", "\\n", "caf\u{e9}", "", "!x", "#"];
        let script = format!("for w in {}; do printf '%s\\0' \"$w\"; done", join(&words));
        let out = Command::new("sh").arg("-c").arg(&script).output().expect("sh runs");
        assert!(out.status.success());
        let read: Vec<&[u8]> = out.stdout.split(|&b| b == 0).collect();
        let expected: Vec<&[u8]> = words.iter().map(|w| w.as_bytes()).chain([&b""[..]]).collect();
        assert_eq!(read, expected);
    }
}
