//! Randomness from the operating system (getrandom) for `crypto.getRandomValues` and
//! `crypto.randomUUID`. Never a userspace generator: these values may become keys and tokens.

use super::Op;
use super::args::arg;
use javascriptcore_sys::{ErrorKind, JsResult, Scope, Value};

/// The ops of js/crypto.js.
pub const OPS: &[Op] = &[Op::sync("randomBytes", random_bytes)];

/// The Web Crypto limit for one `getRandomValues` call; the JS side checks it too.
const MAX_BYTES: f64 = 65536.0;

fn random_bytes<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let n = arg(scope, args, 0).to_number()?;
    if !(0.0..=MAX_BYTES).contains(&n) {
        return Err(scope.error(
            ErrorKind::RangeError,
            &format!("randomBytes: {n} is not a byte count from 0 to {MAX_BYTES}"),
        ));
    }
    let mut bytes = vec![0u8; n as usize];
    getrandom::fill(&mut bytes).map_err(|e| {
        scope.error(
            ErrorKind::Error,
            &format!("randomBytes: the operating system gave no randomness: {e}"),
        )
    })?;
    Ok(scope.uint8_array(bytes)?.value())
}
