//! Parallel, reproducible gzip: one standard gzip member (RFC 1952) around one deflate stream
//! (RFC 1951), compressed in fixed-size blocks on every core, as pigz does.
//!
//! The input is a sequence of pieces (a tar's headers and file contents), read as their
//! concatenation and never copied whole. Block `i` is the input bytes `[i * BLOCK, (i + 1) * BLOCK)`. It is deflated on its own, with
//! the `WINDOW` bytes of input before it as preset dictionary (so matches still reach back
//! across the boundary, as in a serial deflate), and ended with a sync flush (an empty stored
//! block: byte-aligned and not final); the last block finishes the stream. The blocks are
//! concatenated in order and the CRC-32 is combined from per-block CRCs.
//!
//! **Reproducible:** a block's bytes depend only on its input, its dictionary and the level,
//! never on the number of threads or on which thread ran it, so the same input always gives
//! the same archive. Any gzip reader reads it (one member, no extra fields).

use std::io;

use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use rayon::prelude::*;

/// Input bytes per block: small enough to spread a few MB over the cores, large enough that
/// the per-block cost (a fresh deflate state, 5 bytes of sync flush) is negligible.
const BLOCK: usize = 128 * 1024;

/// Deflate's window: the most a match may reach back, so the most a dictionary can help.
const WINDOW: usize = 32 * 1024;

/// The concatenation of `pieces` gzip-compressed at `level` (0-9): no file name, no
/// timestamp, OS "unknown".
pub fn gzip(pieces: &[&[u8]], level: u32) -> io::Result<Vec<u8>> {
    let level = Compression::new(level);
    let input = Concatenation::new(pieces);
    let blocks: Vec<(Vec<u8>, Crc)> = block_starts(input.len)
        .into_par_iter()
        .map_init(
            || {
                (
                    Compress::new(level, false),
                    Vec::with_capacity(WINDOW + BLOCK),
                )
            },
            |(deflate, buffer), start| {
                let end = (start + BLOCK).min(input.len);
                let from = start.saturating_sub(WINDOW);
                input.copy_range(from, end, buffer);
                let (dictionary, block) = buffer.split_at(start - from);
                let mut crc = Crc::new();
                crc.update(block);
                deflate_block(deflate, dictionary, block, end == input.len).map(|d| (d, crc))
            },
        )
        .collect::<io::Result<_>>()?;
    let compressed: usize = blocks.iter().map(|(d, _)| d.len()).sum();
    let mut out = Vec::with_capacity(compressed + 18);
    out.extend_from_slice(&header(level));
    let mut crc = Crc::new();
    for (deflated, block_crc) in &blocks {
        out.extend_from_slice(deflated);
        crc.combine(block_crc);
    }
    out.extend_from_slice(&crc.sum().to_le_bytes());
    // ISIZE is the input length modulo 2^32 (RFC 1952).
    out.extend_from_slice(&(input.len as u32).to_le_bytes());
    Ok(out)
}

/// Byte slices read as one.
struct Concatenation<'a> {
    pieces: &'a [&'a [u8]],
    /// Where each piece starts.
    starts: Vec<usize>,
    len: usize,
}

impl<'a> Concatenation<'a> {
    fn new(pieces: &'a [&'a [u8]]) -> Concatenation<'a> {
        let mut len = 0;
        let starts = pieces
            .iter()
            .map(|piece| {
                let start = len;
                len += piece.len();
                start
            })
            .collect();
        Concatenation {
            pieces,
            starts,
            len,
        }
    }

    /// Replaces `out` with bytes `[start, end)`.
    fn copy_range(&self, start: usize, end: usize, out: &mut Vec<u8>) {
        out.clear();
        // The last piece that starts at or before `start`.
        let mut index = self
            .starts
            .partition_point(|&s| s <= start)
            .saturating_sub(1);
        let mut at = start;
        while at < end {
            let piece = self.pieces[index];
            let offset = at - self.starts[index];
            if offset < piece.len() {
                let take = (piece.len() - offset).min(end - at);
                out.extend_from_slice(&piece[offset..offset + take]);
                at += take;
            }
            index += 1;
        }
    }
}

/// Where each block starts; one (empty) block for empty input, which must still end the
/// deflate stream.
fn block_starts(len: usize) -> Vec<usize> {
    if len == 0 {
        vec![0]
    } else {
        (0..len).step_by(BLOCK).collect()
    }
}

/// The gzip header flate2's `GzBuilder` writes with `mtime(0)` and `operating_system(255)`:
/// no flags, no timestamp, the extra-flags byte from the level, OS 255 (unknown).
fn header(level: Compression) -> [u8; 10] {
    let extra_flags = match level.level() {
        9 => 2,
        0 | 1 => 4,
        _ => 0,
    };
    [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extra_flags, 255]
}

/// One block as raw deflate data: not final (ended by a sync flush), or final for the last.
/// `deflate` is reset first, so a state reused from another block gives the same bytes as a
/// new one.
fn deflate_block(
    deflate: &mut Compress,
    dictionary: &[u8],
    block: &[u8],
    last: bool,
) -> io::Result<Vec<u8>> {
    deflate.reset();
    if !dictionary.is_empty() {
        deflate
            .set_dictionary(dictionary)
            .map_err(io::Error::other)?;
    }
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    let mut out = Vec::with_capacity(block.len() / 2 + 64);
    loop {
        if out.len() == out.capacity() {
            out.reserve(out.capacity().max(4096));
        }
        let consumed = deflate.total_in() as usize;
        let status = deflate
            .compress_vec(&block[consumed..], &mut out, flush)
            .map_err(io::Error::other)?;
        let all_in = deflate.total_in() as usize == block.len();
        // A sync flush is complete when it returns with room to spare in the output (zlib's
        // rule); a finish when the stream has ended.
        match status {
            Status::StreamEnd => return Ok(out),
            _ if !last && all_in && out.len() < out.capacity() => return Ok(out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut decoder = flate2::read::GzDecoder::new(bytes);
        let mut out = Vec::new();
        decoder.read_to_end(&mut out).unwrap();
        assert!(decoder.header().is_some());
        out
    }

    /// Text-like input with repeats that cross block boundaries.
    fn sample(len: usize) -> Vec<u8> {
        let mut state: u32 = 7;
        let words = [
            "[stanza]\n",
            "search = ",
            "| tstats ",
            "count ",
            "by ",
            "Process",
        ];
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            out.extend_from_slice(words[(state >> 16) as usize % words.len()].as_bytes());
        }
        out.truncate(len);
        out
    }

    #[test]
    fn round_trips_one_standard_stream() {
        for len in [0, 1, 100, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 12_345] {
            let data = sample(len);
            let packed = gzip(&[&data], 6).unwrap();
            assert_eq!(gunzip(&packed), data, "length {len}");
            // One member: a multi-member reader finds nothing after the first.
            let mut single = flate2::read::GzDecoder::new(packed.as_slice());
            let mut first = Vec::new();
            single.read_to_end(&mut first).unwrap();
            assert_eq!(first.len(), len);
        }
    }

    #[test]
    fn pieces_read_as_their_concatenation() {
        let data = sample(2 * BLOCK + 777);
        let (a, rest) = data.split_at(5);
        let (b, c) = rest.split_at(BLOCK + 3);
        let pieces: [&[u8]; 5] = [a, &[], b, &[], c];
        assert_eq!(gzip(&pieces, 6).unwrap(), gzip(&[&data], 6).unwrap());
    }

    #[test]
    fn the_same_bytes_on_any_number_of_threads() {
        let data = sample(5 * BLOCK + 99);
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| gzip(&[&data], 6).unwrap())
        };
        let one = on(1);
        assert_eq!(one, on(2));
        assert_eq!(one, on(5));
    }

    #[test]
    fn dictionaries_keep_the_ratio_of_a_serial_deflate() {
        let data = sample(4 * BLOCK);
        let mut serial = flate2::write::GzEncoder::new(Vec::new(), Compression::new(6));
        io::Write::write_all(&mut serial, &data).unwrap();
        let serial = serial.finish().unwrap();
        let parallel = gzip(&[&data], 6).unwrap();
        assert!(parallel.len() < serial.len() + serial.len() / 50);
    }
}
