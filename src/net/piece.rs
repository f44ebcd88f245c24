//! A piece of output: bytes a socket's writer copies into its output buffer once, whether they
//! are Rust's or a JS buffer read where JS keeps it (api/ops/args.rs's `Bytes`).

pub trait Piece {
    /// How many bytes [`Piece::write_to`] appends.
    fn byte_len(&self) -> usize;
    fn write_to(&self, out: &mut Vec<u8>);
}

/// Bytes Rust holds: a slice, an array, a Vec.
impl<T: AsRef<[u8]> + ?Sized> Piece for T {
    fn byte_len(&self) -> usize {
        self.as_ref().len()
    }
    fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_ref());
    }
}
