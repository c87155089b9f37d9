//! Reading the API id, key and client type from the environment or a key file, keeping the key text wiped.

use std::env;
use std::io::{IsTerminal, Read};
use std::path::Path;

use unleashed_signer::{ApiId, ClientType, SigningKey};
use zeroize::Zeroizing;

/// Environment variable holding the API id.
pub const API_ID_VAR: &str = "UNLEASHED_API_ID";
/// Environment variable holding the API key.
pub const API_KEY_VAR: &str = "UNLEASHED_API_KEY";
/// Environment variable holding the client type.
pub const CLIENT_TYPE_VAR: &str = "UNLEASHED_CLIENT_TYPE";

/// The API key text and where it came from, for messages that name the source but never the key.
pub struct KeyText {
    /// The key text, wiped on drop.
    pub text: Zeroizing<String>,
    /// `UNLEASHED_API_KEY`, `stdin` or the key file's path.
    pub source: String,
}

impl KeyText {
    /// Reads the key from `key_file` (`-` for stdin) when given, otherwise from `UNLEASHED_API_KEY`.
    pub fn load(key_file: Option<&Path>) -> Result<Self, String> {
        match key_file {
            Some(path) if path == Path::new("-") => {
                let mut stdin = std::io::stdin();
                if stdin.is_terminal() {
                    eprintln!("unleashed-sign: reading the API key from stdin; end it with Ctrl-D");
                }
                let mut bytes = Zeroizing::new(Vec::with_capacity(4096));
                stdin.read_to_end(&mut bytes).map_err(|e| format!("cannot read the API key from stdin: {e}"))?;
                Self::from_file_bytes(bytes, "stdin".into())
            }
            Some(path) => {
                let source = format!("the key file '{}'", path.display());
                let mut file = std::fs::File::open(path).map_err(|e| format!("cannot read {source}: {e}"))?;
                let mut bytes = Zeroizing::new(Vec::with_capacity(4096));
                file.read_to_end(&mut bytes).map_err(|e| format!("cannot read {source}: {e}"))?;
                Self::from_file_bytes(bytes, source)
            }
            None => {
                let text = match env::var(API_KEY_VAR) {
                    Ok(text) => Zeroizing::new(text),
                    Err(env::VarError::NotPresent) => {
                        return Err(format!(
                            "{API_KEY_VAR} is not set: export it with the key from Unleashed's API Access page, \
                             or pass --key-file PATH (--key-file - reads stdin)"
                        ));
                    }
                    Err(env::VarError::NotUnicode(_)) => {
                        return Err(format!("{API_KEY_VAR} is not valid UTF-8: set it to the key text as shown"));
                    }
                };
                Ok(Self { text, source: API_KEY_VAR.into() })
            }
        }
    }

    /// Takes a file's bytes as the key, removing one final line ending (files and `echo` add one).
    fn from_file_bytes(mut bytes: Zeroizing<Vec<u8>>, source: String) -> Result<Self, String> {
        let ending = if bytes.ends_with(b"\r\n") {
            Some("line ending (\\r\\n)")
        } else if bytes.ends_with(b"\n") {
            Some("newline")
        } else {
            None
        };
        if let Some(ending) = ending {
            let len = bytes.len() - if bytes.ends_with(b"\r\n") { 2 } else { 1 };
            // Wipe the bytes cut off too: truncate alone would leave them in the spare capacity.
            bytes[len..].iter_mut().for_each(|b| *b = 0);
            bytes.truncate(len);
            eprintln!("unleashed-sign: note: removed one final {ending} from the API key read from {source}");
        }
        if let Err(e) = std::str::from_utf8(&bytes) {
            return Err(format!("{source}: the API key is not valid UTF-8 from byte {}", e.valid_up_to()));
        }
        let text = String::from_utf8(std::mem::take(&mut *bytes)).expect("checked to be UTF-8");
        Ok(Self { text: Zeroizing::new(text), source })
    }

    /// Prepares the key the Unleashed way, naming the source in the core's key-free error.
    pub fn signing_key(&self) -> Result<SigningKey, String> {
        SigningKey::from_text(&self.text).map_err(|e| format!("{}: {e}", self.source))
    }
}

/// The API id from `--api-id` or `UNLEASHED_API_ID`.
pub fn api_id(flag: Option<&str>) -> Result<ApiId, String> {
    let (value, source) =
        flag_or_env(flag, API_ID_VAR, "--api-id", "the API id (a GUID) from Unleashed's API Access page")?;
    ApiId::parse(value.as_bytes()).map_err(|e| format!("{source}: {e}"))
}

/// The client type text from `--client-type` or `UNLEASHED_CLIENT_TYPE`, checked.
pub fn client_type(flag: Option<&str>) -> Result<String, String> {
    let (value, source) =
        flag_or_env(flag, CLIENT_TYPE_VAR, "--client-type", "partner_or_account/app_name, e.g. acme/orderautomation")?;
    ClientType::parse(&value).map_err(|e| format!("{source}: {e}"))?;
    Ok(value)
}

fn flag_or_env(flag: Option<&str>, var: &str, flag_name: &str, what: &str) -> Result<(String, String), String> {
    if let Some(value) = flag {
        return Ok((value.to_owned(), flag_name.to_owned()));
    }
    match env::var(var) {
        Ok(value) => Ok((value, var.to_owned())),
        Err(env::VarError::NotPresent) => Err(format!("{var} is not set: export it as {what}, or pass {flag_name}")),
        Err(env::VarError::NotUnicode(_)) => Err(format!("{var} is not valid UTF-8: set it to {what}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_bytes(bytes: &[u8]) -> Result<String, String> {
        KeyText::from_file_bytes(Zeroizing::new(bytes.to_vec()), "test".into()).map(|key| key.text.to_string())
    }

    #[test]
    fn one_final_line_ending_is_removed_and_no_more() {
        assert_eq!(from_bytes(b"abc\n").unwrap(), "abc");
        assert_eq!(from_bytes(b"abc\r\n").unwrap(), "abc");
        assert_eq!(from_bytes(b"abc\n\n").unwrap(), "abc\n");
        assert_eq!(from_bytes(b"abc ").unwrap(), "abc ");
        assert_eq!(from_bytes(b"abc").unwrap(), "abc");
        assert!(from_bytes(b"ab\xff").unwrap_err().contains("UTF-8 from byte 2"));
    }
}
