//! Text encoding for `TextEncoder`/`TextDecoder` (encoding_rs, WHATWG encodings).
//!
//! A decoder in the middle of a stream (`decode(bytes, { stream: true })`) keeps the bytes of a
//! split character in its encoding_rs `Decoder`; those live here, keyed by an id the JS side
//! holds, from the first streaming call until the stream ends or the TextDecoder is collected
//! (the JS side frees it through a FinalizationRegistry). Decoding without `stream` keeps no state.

use super::Op;
use super::args::arg;
use encoding_rs::{DecoderResult, Encoding, REPLACEMENT};
use javascriptcore_sys::{ErrorKind, JsResult, Kind, Scope, Value};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The ops of js/encoding.js.
pub const OPS: &[Op] = &[
    Op::sync("encodingName", encoding_name),
    Op::sync("encodeUtf8", encode_utf8),
    Op::sync("encodeUtf8Into", encode_utf8_into),
    Op::sync("decode", decode),
    Op::sync("decoderDrop", decoder_drop),
];

static DECODERS: Mutex<BTreeMap<u64, encoding_rs::Decoder>> = Mutex::new(BTreeMap::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn decoders() -> std::sync::MutexGuard<'static, BTreeMap<u64, encoding_rs::Decoder>> {
    // A panic elsewhere cannot leave a map of decoders inconsistent: keep using it.
    DECODERS.lock().unwrap_or_else(|e| e.into_inner())
}

fn encoding<'a>(scope: &'a Scope<'a>, label: &Value<'a>) -> JsResult<'a, &'static Encoding> {
    let label = label.to_string()?;
    match Encoding::for_label(label.trim().as_bytes()) {
        Some(e) if e != REPLACEMENT => Ok(e),
        _ => Err(scope.error(
            ErrorKind::RangeError,
            &format!("TextDecoder: the encoding '{label}' is not supported"),
        )),
    }
}

/// The WHATWG name, lowercased as `TextDecoder.prototype.encoding` reports it.
fn encoding_name<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let e = encoding(scope, &arg(scope, args, 0))?;
    Ok(scope.string(&e.name().to_ascii_lowercase()))
}

fn encode_utf8<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let text = arg(scope, args, 0).to_string()?;
    Ok(scope.uint8_array(text.into_bytes())?.value())
}

/// `[read, bytes]`: the UTF-16 units of the string consumed and the UTF-8 bytes of the longest
/// prefix of whole characters that fits in `capacity` bytes.
fn encode_utf8_into<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let text = arg(scope, args, 0).to_string()?;
    let capacity = arg(scope, args, 1).to_number()?.max(0.0) as usize;
    let mut end = 0;
    let mut read = 0;
    for c in text.chars() {
        if end + c.len_utf8() > capacity {
            break;
        }
        end += c.len_utf8();
        read += c.len_utf16();
    }
    let bytes = text.as_bytes()[..end].to_vec();
    let pair = [scope.number(read as f64), scope.uint8_array(bytes)?.value()];
    Ok(scope.array(&pair)?.value())
}

/// `decode(id, label, fatal, ignoreBOM, bytes, stream)` → `[text, id]`; the id is 0 once the
/// stream has ended, else the decoder to pass back with the next chunk.
fn decode<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = arg(scope, args, 0).to_number()? as u64;
    let fatal = arg(scope, args, 2).to_bool();
    let ignore_bom = arg(scope, args, 3).to_bool();
    let input = arg(scope, args, 4);
    let bytes = if input.kind() == Kind::Undefined {
        Vec::new()
    } else {
        input.to_bytes().ok_or_else(|| {
            scope.error(
                ErrorKind::TypeError,
                "TextDecoder.decode: the input must be an ArrayBuffer or a view of one",
            )
        })?
    };
    let stream = arg(scope, args, 5).to_bool();
    let mut decoder = match decoders().remove(&id) {
        Some(d) => d,
        None => {
            let e = encoding(scope, &arg(scope, args, 1))?;
            if ignore_bom {
                e.new_decoder_without_bom_handling()
            } else {
                e.new_decoder_with_bom_removal()
            }
        }
    };
    let capacity = decoder
        .max_utf8_buffer_length(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3).saturating_add(16));
    let mut text = String::with_capacity(capacity);
    let last = !stream;
    if fatal {
        let (result, _) = decoder.decode_to_string_without_replacement(&bytes, &mut text, last);
        if let DecoderResult::Malformed(..) = result {
            return Err(scope.error(
                ErrorKind::TypeError,
                &format!(
                    "TextDecoder.decode: the input is not valid {}",
                    decoder.encoding().name()
                ),
            ));
        }
    } else {
        // The buffer holds the worst case, so the whole input is always consumed.
        let (_, _, _) = decoder.decode_to_string(&bytes, &mut text, last);
    }
    let next = if stream {
        let next = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        decoders().insert(next, decoder);
        next
    } else {
        0
    };
    let pair = [scope.string(&text), scope.number(next as f64)];
    Ok(scope.array(&pair)?.value())
}

fn decoder_drop<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = arg(scope, args, 0).to_number()? as u64;
    decoders().remove(&id);
    Ok(scope.undefined())
}
