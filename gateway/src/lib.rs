//! `unleashed-gateway`: a local HTTP gateway that signs each request for the Unleashed API, so that tools which
//! can send headers but cannot compute an HMAC (Power Query in Power BI and Excel, Klipfolio, low-code tools) can
//! read Unleashed directly, and read every page of a list in one call (`/_all/<Endpoint>`).
//!
//! A gateway that signs for others is a signing oracle for the whole account. This one binds to loopback unless a
//! bearer token is configured, contacts one upstream origin only, never follows redirects, refuses writes unless
//! `--allow-writes`, and drops every client header but `Accept`. The README (`gateway/README.md`) says why each
//! rule is there and which test checks it.

pub mod args;
pub mod config;
pub mod credentials;
pub mod gate;
pub mod logline;
pub mod pages;
pub mod retry;
pub mod server;
pub mod stream;
pub mod upstream;

pub use config::{Config, ConfigError, Origin};
pub use server::{Gateway, serve};
