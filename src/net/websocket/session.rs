//! One side of a WebSocket conversation without its socket: the peer's bytes in, whole messages
//! and the close out; our messages, pings and close in, frames out.
//!
//! Invariants:
//! - a message reaches the program only whole: fragments are joined, control frames between
//!   them are answered at once, text is valid UTF-8 (else 1007), and no message grows past the
//!   limit (1009), checked before its bytes are buffered;
//! - any broken rule fails the conversation: a close frame with the rule's code goes out, no
//!   input is read after it, and the transport closes once the output is out ([`Session::done`]);
//! - one `receive` gives at most [`BATCH`] bytes of messages (and the message that crosses it):
//!   the rest of the input waits, whole, for the next `receive` ([`Session::holding`]), so one
//!   read that inflates to far more (permessage-deflate) cannot flood the program;
//! - [`Event::Closed`] is given exactly once, last: the peer's end waits behind held messages.

use super::backlog;
use super::deflate::{Deflate, Params, too_big};
use super::frame::{self, Head, Violation, apply_mask, parse_head};
use super::{Close, Event, Role};
use crate::net::piece::Piece;

/// A receive's share of messages: what the backlog takes before the endpoint stops reading.
pub const BATCH: usize = backlog::LIMIT;

/// Messages shorter than this go out uncompressed: deflate saves nothing on them and costs CPU.
const COMPRESS_FROM: usize = 128;

pub struct Session {
    role: Role,
    max_message: usize,
    deflate: Option<Deflate>,
    /// The peer's bytes not yet made into frames: only a frame's unfinished tail.
    input: Vec<u8>,
    /// The data message being assembled: opcode, compressed, bytes so far.
    partial: Option<(u8, bool, Vec<u8>)>,
    close_sent: bool,
    /// No more input is read: the peer's close arrived or the conversation failed.
    input_over: bool,
    /// The last receive stopped at BATCH with frames left in `input`.
    holding: bool,
    /// The peer sent no more bytes; the end waits while `holding`.
    peer_gone: bool,
    reported: bool,
}

impl Session {
    pub fn new(role: Role, max_message: usize, deflate: Option<Params>) -> Session {
        Session {
            role,
            max_message,
            deflate: deflate.map(|params| Deflate::new(params, role)),
            input: Vec::new(),
            partial: None,
            close_sent: false,
            input_over: false,
            holding: false,
            peer_gone: false,
            reported: false,
        }
    }

    /// Whether the conversation is over: the transport closes once the output is out.
    pub fn done(&self) -> bool {
        self.input_over && self.close_sent
    }

    /// Whether messages wait in the input for another `receive` (which may take no bytes).
    pub fn holding(&self) -> bool {
        self.holding
    }

    /// Takes the peer's bytes; frames for it (pongs, the close's answer) go to `out`.
    pub fn receive(&mut self, bytes: &[u8], out: &mut Vec<u8>, events: &mut Vec<Event>) {
        if self.input_over {
            return;
        }
        if self.input.is_empty() {
            let used = self.frames(bytes, out, events);
            if !self.input_over {
                self.input.extend_from_slice(&bytes[used..]);
            }
        } else {
            self.input.extend_from_slice(bytes);
            let input = std::mem::take(&mut self.input);
            let used = self.frames(&input, out, events);
            if !self.input_over {
                self.input = input;
                self.input.drain(..used);
            }
        }
        if self.peer_gone && !self.holding && !self.input_over {
            self.abandon(events);
        }
    }

    /// The peer sent no more bytes (or the transport failed): once the held messages are given,
    /// a conversation not yet closed ends with 1006. False when this was known already.
    pub fn peer_finished(&mut self, events: &mut Vec<Event>) -> bool {
        if self.peer_gone || self.input_over {
            return false;
        }
        self.peer_gone = true;
        if !self.holding {
            self.abandon(events);
        }
        true
    }

    /// Ends with 1006, without the peer's close and without any messages held: the peer's end
    /// came after them, the close handshake took too long, or the connection was cut.
    pub fn abandon(&mut self, events: &mut Vec<Event>) {
        self.input_over = true;
        self.holding = false;
        self.input = Vec::new();
        self.close_sent = true;
        self.report(events, 1006, String::new(), false);
    }

    /// Sends a whole message; false once a close was sent.
    pub fn send(&mut self, text: bool, payload: &(impl Piece + ?Sized), out: &mut Vec<u8>) -> bool {
        if self.close_sent {
            return false;
        }
        let opcode = if text { frame::TEXT } else { frame::BINARY };
        let packed = match &mut self.deflate {
            Some(deflate) if payload.byte_len() >= COMPRESS_FROM => {
                let mut plain = Vec::with_capacity(payload.byte_len());
                payload.write_to(&mut plain);
                deflate.compress(&plain)
            }
            _ => None,
        };
        match packed {
            Some(packed) => frame::write(out, opcode, true, &packed, self.mask()),
            None => frame::write(out, opcode, false, payload, self.mask()),
        }
        true
    }

    pub fn ping(&mut self, payload: &[u8], out: &mut Vec<u8>) -> bool {
        if self.close_sent {
            return false;
        }
        frame::write(
            out,
            frame::PING,
            false,
            &payload[..payload.len().min(125)],
            self.mask(),
        );
        true
    }

    /// Starts the close handshake (once): the peer's close ends it. `code` 1005 sends no code.
    pub fn close(&mut self, code: u16, reason: &str, out: &mut Vec<u8>) {
        if self.close_sent {
            return;
        }
        self.close_sent = true;
        let mut payload = Vec::new();
        if code != 1005 {
            payload.extend_from_slice(&code.to_be_bytes());
            let mut end = reason.len().min(123);
            while !reason.is_char_boundary(end) {
                end -= 1;
            }
            payload.extend_from_slice(&reason.as_bytes()[..end]);
        }
        frame::write(out, frame::CLOSE, false, &payload, self.mask());
    }

    fn mask(&self) -> Option<[u8; 4]> {
        (self.role == Role::Client).then(|| {
            let mut key = [0; 4];
            // Without randomness the mask is still a valid one; it only guards proxies' caches.
            let _ = getrandom::fill(&mut key);
            key
        })
    }

    fn report(&mut self, events: &mut Vec<Event>, code: u16, reason: String, clean: bool) {
        if !self.reported {
            self.reported = true;
            events.push(Event::Closed(Close {
                code,
                reason,
                clean,
            }));
        }
    }

    fn fail(&mut self, violation: Violation, out: &mut Vec<u8>, events: &mut Vec<Event>) {
        self.close(violation.code, &violation.reason, out);
        self.input_over = true;
        self.holding = false;
        self.input = Vec::new();
        self.partial = None;
        self.report(events, violation.code, violation.reason, false);
    }

    /// Acts on the whole frames at the start of `bytes` until their messages reach BATCH bytes;
    /// gives how many bytes they took.
    fn frames(&mut self, bytes: &[u8], out: &mut Vec<u8>, events: &mut Vec<Event>) -> usize {
        let (mut at, mut given, mut counted) = (0, 0, events.len());
        self.holding = false;
        while !self.input_over {
            if given >= BATCH {
                self.holding = true;
                break;
            }
            match self.frame(&bytes[at..], out, events) {
                Ok(Some(used)) => at += used,
                Ok(None) => break,
                Err(violation) => self.fail(violation, out, events),
            }
            given += events[counted..].iter().map(Event::bytes).sum::<usize>();
            counted = events.len();
        }
        at
    }

    /// One frame from the start of `bytes`: the bytes it took, or None until it is whole.
    fn frame(
        &mut self,
        bytes: &[u8],
        out: &mut Vec<u8>,
        events: &mut Vec<Event>,
    ) -> Result<Option<usize>, Violation> {
        let Some(head) = parse_head(bytes, self.role, self.deflate.is_some())? else {
            return Ok(None);
        };
        if !head.is_control() {
            self.check_data(&head)?;
        }
        let end = head.head_len as u64 + head.len;
        if (bytes.len() as u64) < end {
            return Ok(None);
        }
        let mut payload = bytes[head.head_len..end as usize].to_vec();
        if let Some(key) = head.mask {
            apply_mask(&mut payload, key);
        }
        match head.opcode {
            frame::PING => {
                if !self.close_sent {
                    frame::write(out, frame::PONG, false, &payload, self.mask());
                }
            }
            frame::PONG => {}
            frame::CLOSE => self.closed_by_peer(&payload, out, events)?,
            _ => self.data(head, payload, events)?,
        }
        Ok(Some(end as usize))
    }

    /// The rules of a data frame that depend on what came before.
    fn check_data(&self, head: &Head) -> Result<(), Violation> {
        let so_far = match (&self.partial, head.opcode) {
            (None, frame::CONTINUATION) => {
                return Err(Violation::protocol(
                    "a continuation frame with no message to continue",
                ));
            }
            (Some(_), frame::TEXT | frame::BINARY) => {
                return Err(Violation::protocol(
                    "a new message began inside a fragmented one",
                ));
            }
            (Some(_), _) if head.rsv1 => {
                return Err(Violation::protocol("RSV1 is set on a continuation frame"));
            }
            (Some((_, _, bytes)), _) => bytes.len() as u64,
            (None, _) => 0,
        };
        let compressed = self.partial.as_ref().map_or(head.rsv1, |(_, c, _)| *c);
        // Incompressible data grows when deflated (by up to 1% with a small memLevel, as Python's
        // websockets uses): its real size is checked as it inflates.
        let slack = if compressed {
            self.max_message / 32 + 1024
        } else {
            0
        };
        if so_far + head.len > (self.max_message + slack) as u64 {
            return Err(too_big(self.max_message));
        }
        Ok(())
    }

    fn data(
        &mut self,
        head: Head,
        payload: Vec<u8>,
        events: &mut Vec<Event>,
    ) -> Result<(), Violation> {
        let (opcode, compressed, bytes) = match self.partial.take() {
            Some((opcode, compressed, mut bytes)) => {
                bytes.extend_from_slice(&payload);
                (opcode, compressed, bytes)
            }
            None => (head.opcode, head.rsv1, payload),
        };
        if !head.fin {
            self.partial = Some((opcode, compressed, bytes));
            return Ok(());
        }
        let bytes = match (&mut self.deflate, compressed) {
            (Some(deflate), true) => deflate.decompress(&bytes, self.max_message)?,
            _ => bytes,
        };
        events.push(if opcode == frame::TEXT {
            let text = String::from_utf8(bytes)
                .map_err(|_| Violation::new(1007, "a text message is not valid UTF-8"))?;
            Event::Text(text)
        } else {
            Event::Binary(bytes)
        });
        Ok(())
    }

    fn closed_by_peer(
        &mut self,
        payload: &[u8],
        out: &mut Vec<u8>,
        events: &mut Vec<Event>,
    ) -> Result<(), Violation> {
        let (code, reason) = match payload {
            [] => (1005, String::new()),
            [_] => return Err(Violation::protocol("a close frame of one byte")),
            [a, b, rest @ ..] => {
                let code = u16::from_be_bytes([*a, *b]);
                if !valid_close_code(code) {
                    return Err(Violation::protocol(format!(
                        "close code {code} may not be sent"
                    )));
                }
                let reason = std::str::from_utf8(rest)
                    .map_err(|_| Violation::protocol("a close reason is not valid UTF-8"))?;
                (code, reason.to_string())
            }
        };
        // The answer echoes the code (RFC 6455 section 5.5.1).
        self.close(code, "", out);
        self.input_over = true;
        self.input = Vec::new();
        self.report(events, code, reason, true);
        Ok(())
    }
}

/// Codes a close frame may carry (RFC 6455 section 7.4 and the IANA registry).
pub fn valid_close_code(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_frame(opcode: u8, fin: bool, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        frame::write(&mut out, opcode, false, payload, Some([1, 2, 3, 4]));
        if !fin {
            out[0] &= 0x7F;
        }
        out
    }

    fn server() -> Session {
        Session::new(Role::Server, 1000, None)
    }

    fn feed(session: &mut Session, bytes: &[u8]) -> (Vec<u8>, Vec<Event>) {
        let (mut out, mut events) = (Vec::new(), Vec::new());
        session.receive(bytes, &mut out, &mut events);
        (out, events)
    }

    fn close_code(out: &[u8]) -> u16 {
        let head = parse_head(out, Role::Client, false).unwrap().unwrap();
        assert_eq!(head.opcode, frame::CLOSE);
        u16::from_be_bytes([out[head.head_len], out[head.head_len + 1]])
    }

    #[test]
    fn fragments_join_around_a_ping_and_bytes_may_arrive_one_at_a_time() {
        let mut bytes = client_frame(frame::TEXT, false, b"hel");
        bytes.extend(client_frame(frame::PING, true, b"p"));
        bytes.extend(client_frame(
            frame::CONTINUATION,
            true,
            "lo \u{e9}".as_bytes(),
        ));
        let mut session = server();
        let (mut out, mut events) = (Vec::new(), Vec::new());
        for byte in &bytes {
            session.receive(std::slice::from_ref(byte), &mut out, &mut events);
        }
        assert_eq!(events, vec![Event::Text("hello \u{e9}".into())]);
        assert_eq!(out, [0x8A, 1, b'p']);
    }

    #[test]
    fn bad_utf8_fails_with_1007_and_oversize_with_1009() {
        let (out, events) = feed(
            &mut server(),
            &client_frame(frame::TEXT, true, &[0xC3, 0x28]),
        );
        assert_eq!(close_code(&out), 1007);
        assert!(matches!(
            &events[..],
            [Event::Closed(Close {
                code: 1007,
                clean: false,
                ..
            })]
        ));
        let (out, _) = feed(
            &mut server(),
            &client_frame(frame::BINARY, true, &[0; 1001]),
        );
        assert_eq!(close_code(&out), 1009);
        let mut session = server();
        feed(&mut session, &client_frame(frame::BINARY, false, &[0; 600]));
        let (out, _) = feed(
            &mut session,
            &client_frame(frame::CONTINUATION, true, &[0; 600]),
        );
        assert_eq!(close_code(&out), 1009);
        assert!(session.done());
    }

    #[test]
    fn an_unmasked_frame_fails_with_1002() {
        let mut bytes = Vec::new();
        frame::write(&mut bytes, frame::TEXT, false, b"hi", None);
        let (out, _) = feed(&mut server(), &bytes);
        assert_eq!(close_code(&out), 1002);
    }

    #[test]
    fn the_close_handshake_echoes_the_code() {
        let mut session = server();
        let mut payload = 4000u16.to_be_bytes().to_vec();
        payload.extend_from_slice(b"bye");
        let (out, events) = feed(&mut session, &client_frame(frame::CLOSE, true, &payload));
        assert_eq!(close_code(&out), 4000);
        assert_eq!(
            events,
            vec![Event::Closed(Close {
                code: 4000,
                reason: "bye".into(),
                clean: true
            })]
        );
        assert!(session.done());
        let (out, _) = feed(
            &mut server(),
            &client_frame(frame::CLOSE, true, &1005u16.to_be_bytes()),
        );
        assert_eq!(close_code(&out), 1002);
    }

    #[test]
    fn compressed_messages_round_trip() {
        let params = Params::default();
        let mut client = Session::new(Role::Client, 1 << 20, Some(params));
        let mut server = Session::new(Role::Server, 1 << 20, Some(params));
        let text = "compress me ".repeat(100);
        let mut wire = Vec::new();
        client.send(true, text.as_bytes(), &mut wire);
        client.send(false, b"short", &mut wire);
        assert!(wire.len() < text.len());
        let (_, events) = feed(&mut server, &wire);
        assert_eq!(
            events,
            vec![Event::Text(text), Event::Binary(b"short".to_vec())]
        );
    }

    #[test]
    fn a_receive_gives_one_batch_and_holds_the_rest_with_the_peers_end_behind_it() {
        let mut bytes = Vec::new();
        let count = BATCH / 1000 + 50;
        for _ in 0..count {
            bytes.extend(client_frame(frame::BINARY, true, &[7; 1000]));
        }
        let mut session = server();
        let (_, first) = feed(&mut session, &bytes);
        assert_eq!(first.len(), BATCH.div_ceil(1000));
        assert!(session.holding());
        let mut later = Vec::new();
        assert!(session.peer_finished(&mut later));
        assert!(!session.peer_finished(&mut later));
        assert!(later.is_empty(), "the end waits behind the held messages");
        let (_, rest) = feed(&mut session, &[]);
        assert!(!session.holding());
        assert_eq!(rest.len(), count - first.len() + 1);
        assert!(matches!(
            rest.last(),
            Some(Event::Closed(Close { code: 1006, .. }))
        ));
        assert!(session.done());
    }

    #[test]
    fn a_read_that_inflates_past_a_batch_is_given_a_batch_at_a_time() {
        let params = Params::default();
        let mut client = Session::new(Role::Client, 1 << 20, Some(params));
        let mut server = Session::new(Role::Server, 1 << 20, Some(params));
        let mut wire = Vec::new();
        for _ in 0..64 {
            client.send(false, &[0; 256 * 1024], &mut wire);
        }
        assert!(wire.len() < BATCH / 8, "{} bytes on the wire", wire.len());
        let mut given = 0;
        let mut batches = 0;
        let (_, mut events) = feed(&mut server, &wire);
        while !events.is_empty() {
            let bytes: usize = events.iter().map(Event::bytes).sum();
            assert!(bytes <= BATCH, "{bytes} bytes in one batch");
            given += bytes;
            batches += 1;
            events = feed(&mut server, &[]).1;
        }
        assert_eq!(given, 64 * 256 * 1024);
        assert_eq!(batches, 16);
    }
}
