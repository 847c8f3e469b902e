//! Extent maths: where a file holds data (`SEEK_DATA`/`SEEK_HOLE`), the chunks to send, the non-zero runs
//! of a buffer, and range subtraction and merging.

use super::*;

/// The allocated extents of `[0, limit)` as `[start, end)`, from `SEEK_DATA`/`SEEK_HOLE`. `None` when the
/// platform or the file system cannot say (then everything is data).
#[cfg(target_os = "linux")]
pub(super) fn allocated_extents(file: &File, limit: u64) -> Option<Vec<(u64, u64)>> {
    use std::os::unix::io::AsRawFd;
    let fd = file.as_raw_fd();
    let mut out = Vec::new();
    let mut pos: u64 = 0;
    while pos < limit {
        // SAFETY: lseek on a valid fd; the offset is moved but all reads use pread.
        let data = unsafe { libc::lseek(fd, pos as libc::off_t, libc::SEEK_DATA) };
        if data < 0 {
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::ENXIO) {
                break; // no data after pos
            }
            return None; // EINVAL: not supported here
        }
        let data = data as u64;
        if data >= limit {
            break;
        }
        // SAFETY: as above.
        let hole = unsafe { libc::lseek(fd, data as libc::off_t, libc::SEEK_HOLE) };
        if hole < 0 {
            return None;
        }
        let hole = (hole as u64).min(limit);
        if hole <= data {
            return None;
        }
        out.push((data, hole));
        pos = hole;
    }
    Some(out)
}

#[cfg(not(target_os = "linux"))]
pub(super) fn allocated_extents(_file: &File, _limit: u64) -> Option<Vec<(u64, u64)>> {
    None
}

/// The extents to read: allocated extents aligned out to 512 bytes and merged.
pub(super) fn data_extents(file: &File, limit: u64) -> (Vec<(u64, u64)>, bool) {
    match allocated_extents(file, limit) {
        Some(ext) => {
            let mut out: Vec<(u64, u64)> = Vec::new();
            for (s, e) in ext {
                let (s, e) = (s / PAGE * PAGE, e.div_ceil(PAGE).saturating_mul(PAGE).min(limit));
                match out.last_mut() {
                    Some(last) if last.1 >= s => last.1 = last.1.max(e),
                    _ => out.push((s, e)),
                }
            }
            (out, true)
        }
        None => (if limit > 0 { vec![(0, limit)] } else { vec![] }, false),
    }
}

/// Cut extents at multiples of `chunk` so that no piece crosses a chunk boundary.
pub(super) fn split_chunks(extents: &[(u64, u64)], chunk: u64) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for &(s, e) in extents {
        let mut p = s;
        while p < e {
            let next = ((p / chunk) + 1) * chunk;
            let end = next.min(e);
            out.push((p, end));
            p = end;
        }
    }
    out
}

/// Non-zero 512-byte page runs of `buf` (which starts at `base`), as absolute `[start, end)`.
pub(super) fn nonzero_runs(buf: &[u8], base: u64) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for (i, page) in buf.chunks(PAGE as usize).enumerate() {
        if page.iter().fold(0u8, |a, b| a | b) == 0 {
            continue;
        }
        let s = base + i as u64 * PAGE;
        let e = s + page.len() as u64;
        match out.last_mut() {
            Some(last) if last.1 == s => last.1 = e,
            _ => out.push((s, e)),
        }
    }
    out
}

/// `runs` minus the sorted, merged `present` ranges.
pub(super) fn subtract(runs: &[(u64, u64)], present: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for &(s, e) in runs {
        let mut p = s;
        let mut i = present.partition_point(|r| r.1 <= s);
        while p < e {
            match present.get(i) {
                Some(&(ps, pe)) if ps < e => {
                    if ps > p {
                        out.push((p, ps));
                    }
                    p = p.max(pe);
                    i += 1;
                }
                _ => {
                    out.push((p, e));
                    p = e;
                }
            }
        }
    }
    out
}

/// Bytes of `[s, e)` covered by `present`.
pub(super) fn overlap(present: &[(u64, u64)], s: u64, e: u64) -> u64 {
    let i = present.partition_point(|r| r.1 <= s);
    present[i..].iter().take_while(|r| r.0 < e).map(|r| r.1.min(e) - r.0.max(s)).sum()
}

pub(super) fn merge_sorted(mut v: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    v.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if last.1 >= s => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}
