//! The frame codec: a frame's head read and checked against the rules that need no history
//! (reserved bits, opcodes, control frame limits, 64-bit lengths, who masks), and frames written.
//!
//! Invariant: a head that breaks a rule is a [`Violation`] naming it, with the close code the
//! conversation fails with; a head not yet whole is `Ok(None)`, never a guess.

use super::Role;
use crate::net::piece::Piece;

pub const CONTINUATION: u8 = 0x0;
pub const TEXT: u8 = 0x1;
pub const BINARY: u8 = 0x2;
pub const CLOSE: u8 = 0x8;
pub const PING: u8 = 0x9;
pub const PONG: u8 = 0xA;

/// A broken rule: the close code the conversation fails with, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub code: u16,
    pub reason: String,
}

impl Violation {
    pub fn new(code: u16, reason: impl Into<String>) -> Violation {
        Violation {
            code,
            reason: reason.into(),
        }
    }

    pub fn protocol(reason: impl Into<String>) -> Violation {
        Violation::new(1002, reason)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub fin: bool,
    /// "Compressed" under permessage-deflate.
    pub rsv1: bool,
    pub opcode: u8,
    pub mask: Option<[u8; 4]>,
    pub len: u64,
    /// Bytes the head took.
    pub head_len: usize,
}

impl Head {
    pub fn is_control(&self) -> bool {
        self.opcode & 0x8 != 0
    }
}

/// Reads a frame head sent by the peer of `role`; `rsv1` is whether an extension gave RSV1 a
/// meaning.
pub fn parse_head(buf: &[u8], role: Role, rsv1: bool) -> Result<Option<Head>, Violation> {
    let [b0, b1, ..] = *buf else {
        return Ok(None);
    };
    let head = Head {
        fin: b0 & 0x80 != 0,
        rsv1: b0 & 0x40 != 0,
        opcode: b0 & 0x0F,
        mask: None,
        len: u64::from(b1 & 0x7F),
        head_len: 2,
    };
    if b0 & 0x30 != 0 || (head.rsv1 && !rsv1) {
        return Err(Violation::protocol("a reserved bit is set"));
    }
    if !matches!(
        head.opcode,
        CONTINUATION | TEXT | BINARY | CLOSE | PING | PONG
    ) {
        return Err(Violation::protocol(format!(
            "unknown opcode {:#x}",
            head.opcode
        )));
    }
    if head.is_control() && (!head.fin || head.len > 125) {
        return Err(Violation::protocol(
            "a control frame is fragmented or longer than 125 bytes",
        ));
    }
    if head.is_control() && head.rsv1 {
        return Err(Violation::protocol("a control frame is compressed"));
    }
    let masked = b1 & 0x80 != 0;
    match (role, masked) {
        (Role::Server, false) => return Err(Violation::protocol("a client frame is not masked")),
        (Role::Client, true) => return Err(Violation::protocol("a server frame is masked")),
        _ => {}
    }
    let (len, mut at) = match head.len {
        126 => match buf.get(2..4) {
            Some(b) => (u64::from(u16::from_be_bytes([b[0], b[1]])), 4),
            None => return Ok(None),
        },
        127 => match buf.get(2..10) {
            Some(b) => (u64::from_be_bytes(b.try_into().expect("8 bytes")), 10),
            None => return Ok(None),
        },
        n => (n, 2),
    };
    if len >> 63 != 0 {
        return Err(Violation::protocol("the frame length's top bit is set"));
    }
    let mask = if masked {
        let Some(key) = buf.get(at..at + 4) else {
            return Ok(None);
        };
        at += 4;
        Some(key.try_into().expect("4 bytes"))
    } else {
        None
    };
    Ok(Some(Head {
        mask,
        len,
        head_len: at,
        ..head
    }))
}

/// XORs `bytes` with the masking key (the same step masks and unmasks).
pub fn apply_mask(bytes: &mut [u8], key: [u8; 4]) {
    let word = u32::from_ne_bytes(key);
    let (words, rest) = bytes.as_chunks_mut::<4>();
    for chunk in words {
        *chunk = (u32::from_ne_bytes(*chunk) ^ word).to_ne_bytes();
    }
    for (i, byte) in rest.iter_mut().enumerate() {
        *byte ^= key[i];
    }
}

/// Appends one whole frame (`fin` set) to `out`; masked with `mask` when given (a client's).
pub fn write(
    out: &mut Vec<u8>,
    opcode: u8,
    rsv1: bool,
    payload: &(impl Piece + ?Sized),
    mask: Option<[u8; 4]>,
) {
    out.push(0x80 | if rsv1 { 0x40 } else { 0 } | opcode);
    let bit = if mask.is_some() { 0x80 } else { 0 };
    match payload.byte_len() {
        n @ 0..=125 => out.push(bit | n as u8),
        n @ 126..=0xFFFF => {
            out.push(bit | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(bit | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    let start = out.len();
    if let Some(key) = mask {
        out.extend_from_slice(&key);
        payload.write_to(out);
        apply_mask(&mut out[start + 4..], key);
    } else {
        payload.write_to(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_of_every_width_round_trip() {
        for n in [0, 125, 126, 65535, 65536] {
            let payload = vec![7; n];
            let mut out = Vec::new();
            write(&mut out, BINARY, false, &payload, Some([1, 2, 3, 4]));
            let head = parse_head(&out, Role::Server, false).unwrap().unwrap();
            assert_eq!(head.len, n as u64);
            let mut body = out[head.head_len..].to_vec();
            apply_mask(&mut body, head.mask.unwrap());
            assert_eq!(body, payload);
        }
    }

    #[test]
    fn a_partial_head_waits() {
        let mut out = Vec::new();
        write(&mut out, TEXT, false, &[0; 300], Some([0; 4]));
        for cut in 0..8 {
            assert_eq!(parse_head(&out[..cut], Role::Server, false), Ok(None));
        }
    }

    #[test]
    fn masking_rules_by_role() {
        let mut unmasked = Vec::new();
        write(&mut unmasked, TEXT, false, b"hi", None);
        assert_eq!(
            parse_head(&unmasked, Role::Server, false).unwrap_err().code,
            1002
        );
        assert!(parse_head(&unmasked, Role::Client, false).is_ok());
        let mut masked = Vec::new();
        write(&mut masked, TEXT, false, b"hi", Some([9; 4]));
        assert_eq!(
            parse_head(&masked, Role::Client, false).unwrap_err().code,
            1002
        );
    }

    #[test]
    fn broken_rules_are_protocol_errors() {
        let cases: &[&[u8]] = &[
            &[0x81 | 0x20, 0x80, 0, 0, 0, 0],                     // RSV2
            &[0xC1, 0x80, 0, 0, 0, 0],                            // RSV1 without an extension
            &[0x83, 0x80, 0, 0, 0, 0],                            // opcode 3
            &[0x09, 0x80, 0, 0, 0, 0],                            // fragmented ping
            &[0x89, 0xFE, 0, 126, 0, 0, 0, 0],                    // ping of 126 bytes
            &[0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], // 64-bit top bit
        ];
        for bytes in cases {
            assert_eq!(
                parse_head(bytes, Role::Server, false).unwrap_err().code,
                1002,
                "{bytes:?}"
            );
        }
        assert!(parse_head(&[0xC1, 0x80, 0, 0, 0, 0], Role::Server, true).is_ok());
    }
}
