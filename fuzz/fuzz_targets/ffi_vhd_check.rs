//! `asegpu_vhd_check` (and so `asegpu_core::ops::image::check_vhd`, the VHD footer and partition checks):
//! byte 0 picks the mode: file contents (small file), a sparse file of 1-4 MiB + 512 bytes with the
//! fuzzed first sector and footer, a fuzzed path (in a directory that does not exist), NULL arguments.
#![no_main]
use asegpu::*;
use asegpu_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::CString;
use std::io::{Seek, SeekFrom, Write};
use std::os::unix::ffi::OsStrExt;
use std::sync::OnceLock;

fn dir() -> &'static std::path::Path {
    static D: OnceLock<std::path::PathBuf> = OnceLock::new();
    D.get_or_init(|| tempfile::tempdir().unwrap().keep())
}

fuzz_target!(|data: &[u8]| {
    // On a small stack: a recursion that grows with the input is a crash (issue 11).
    on_small_stack(|| {
        if data.len() < 2 {
            return;
        }
        let (mode, sel, body) = (data[0] % 4, data[1], &data[2..]);
        let ext = ["vhd", "VHD", "vhdx", "img"][(sel % 4) as usize];
        let path = dir().join(format!("disk.{ext}"));
        let cpath = match mode {
            0 => {
                std::fs::write(&path, body).unwrap();
                CString::new(path.as_os_str().as_bytes()).unwrap()
            }
            1 => {
                let mut f = std::fs::File::create(&path).unwrap();
                let (head, foot) = body.split_at(body.len().min(512));
                let mib = 1 + (sel as u64 >> 2) % 4;
                let len = mib * 1024 * 1024 + 512;
                f.write_all(head).unwrap();
                f.set_len(len).unwrap();
                f.seek(SeekFrom::Start(len - 512)).unwrap();
                f.write_all(&foot[..foot.len().min(512)]).unwrap();
                CString::new(path.as_os_str().as_bytes()).unwrap()
            }
            2 => {
                let mut p = b"/nonexistent-asegpu-fuzz/".to_vec();
                p.extend_from_slice(cstring(body).as_bytes());
                CString::new(p).unwrap()
            }
            _ => cstring(body),
        };
        let null_path = mode == 3 && sel & 1 != 0;
        let null_out = mode == 3 && sel & 2 != 0;
        let mut out = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        let o = if null_out { std::ptr::null_mut() } else { &mut out as *mut _ };
        // SAFETY: valid or NULL pointers.
        let st = unsafe { asegpu_vhd_check(ptr(&cpath, null_path), o, &mut err) };
        // SAFETY: what the call wrote.
        unsafe { check("asegpu_vhd_check", st, err, (!null_out).then_some(out), None) };
    })
});
