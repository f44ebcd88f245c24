//! The EncodingConversionFilter's engine: bytes in one encoding to bytes in another, chunk by
//! chunk, with encoding_rs.
//!
//! Invariants: a character split across chunks is carried in the decoder's state and converted
//! once the rest arrives; malformed input becomes U+FFFD (the WHATWG decoder's replacement
//! rules); a character the target cannot represent becomes a decimal HTML character reference
//! (the WHATWG encoder's rule for legacy encodings). UTF-16LE/BE are written by hand: WHATWG
//! defines no UTF-16 encoder.

use super::IoError;
use encoding_rs::{Decoder, Encoder, Encoding, UTF_8};

enum Output {
    Utf8,
    Utf16 { big_endian: bool },
    Legacy(Encoder),
}

pub struct Converter {
    decoder: Decoder,
    output: Output,
}

fn encoding(label: &str) -> Result<&'static Encoding, IoError> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        IoError::invalid(format!(
            "EncodingConversionFilter: unknown encoding '{label}'"
        ))
    })
}

impl Converter {
    pub fn new(from: &str, to: &str) -> Result<Converter, IoError> {
        let decoder = encoding(from)?.new_decoder_with_bom_removal();
        let output = match to.trim().to_ascii_lowercase().as_str() {
            "utf-16le" | "utf-16" | "unicode" | "ucs-2" => Output::Utf16 { big_endian: false },
            "utf-16be" | "unicodefffe" => Output::Utf16 { big_endian: true },
            _ => match encoding(to)? {
                e if e == UTF_8 => Output::Utf8,
                e => Output::Legacy(e.new_encoder()),
            },
        };
        Ok(Converter { decoder, output })
    }

    /// Converts one chunk; `last` flushes a character left incomplete at the end of the input.
    pub fn convert(&mut self, input: &[u8], last: bool) -> Vec<u8> {
        match &mut self.output {
            Output::Utf16 { big_endian } => {
                let mut units = vec![
                    0u16;
                    self.decoder
                        .max_utf16_buffer_length(input.len())
                        .unwrap_or(input.len() * 2 + 8)
                ];
                let (_, _, written, _) = self.decoder.decode_to_utf16(input, &mut units, last);
                let big_endian = *big_endian;
                units[..written]
                    .iter()
                    .flat_map(|u| {
                        if big_endian {
                            u.to_be_bytes()
                        } else {
                            u.to_le_bytes()
                        }
                    })
                    .collect()
            }
            Output::Utf8 => decode(&mut self.decoder, input, last).into_bytes(),
            Output::Legacy(encoder) => {
                let text = decode(&mut self.decoder, input, last);
                let mut out = Vec::with_capacity(
                    encoder
                        .max_buffer_length_from_utf8_if_no_unmappables(text.len())
                        .unwrap_or(text.len())
                        + 16,
                );
                let (_, _, _) = encoder.encode_from_utf8_to_vec(&text, &mut out, last);
                out
            }
        }
    }
}

fn decode(decoder: &mut Decoder, input: &[u8], last: bool) -> String {
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length(input.len())
            .unwrap_or(input.len() * 3 + 8),
    );
    let (_, _, _) = decoder.decode_to_string(input, &mut text, last);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_split_across_chunks_converts_once() {
        let text = "aé€😀";
        let bytes = text.as_bytes();
        for split in 0..=bytes.len() {
            let mut c = Converter::new("UTF-8", "UTF-16LE").unwrap();
            let mut out = c.convert(&bytes[..split], false);
            out.extend(c.convert(&bytes[split..], true));
            let expected: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            assert_eq!(out, expected, "split at {split}");
        }
    }

    #[test]
    fn legacy_round_trip_and_replacement() {
        let mut to = Converter::new("utf-8", "shift_jis").unwrap();
        let sjis = to.convert("日本語".as_bytes(), true);
        let mut back = Converter::new("Shift_JIS", "UTF-8").unwrap();
        assert_eq!(back.convert(&sjis, true), "日本語".as_bytes());
        let mut bad = Converter::new("utf-8", "utf-8").unwrap();
        assert_eq!(bad.convert(b"a\xffb", true), "a\u{fffd}b".as_bytes());
        assert!(Converter::new("utf-8", "klingon").is_err());
    }
}
