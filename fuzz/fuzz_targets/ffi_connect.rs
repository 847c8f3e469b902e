//! `asegpu_session_connect`: options JSON and password strings (any bytes, NULLs), parsed and checked
//! (endpoint URL, user, TLS options including PEM, host map, retry policy) up to the first network call,
//! which a cancelled token stops. The password (with a marker suffix) must never appear in the error.
#![no_main]
use asegpu::*;
use asegpu_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::CString;

fuzz_target!(|data: &[u8]| {
    // On a small stack: a recursion that grows with the input is a crash (issue 11).
    on_small_stack(|| {
        if data.is_empty() || touches_special_files(data) {
            return;
        }
        let flags = data[0];
        let f = fields(&data[1..], 2);
        let mut pw = f[1].as_bytes().to_vec();
        if flags & 8 == 0 {
            pw.extend_from_slice(PASSWORD_MARK.as_bytes());
        }
        let pw = CString::new(pw).unwrap();
        let secret = (flags & 8 == 0)
            .then(|| pw.to_str().ok())
            .flatten()
            .filter(|p| !f[0].to_bytes().windows(p.len()).any(|w| w == p.as_bytes()));
        let mut session: *mut AsegpuSession = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        let out = if flags & 4 != 0 { std::ptr::null_mut() } else { &mut session as *mut _ };
        let errp = if flags & 16 != 0 { std::ptr::null_mut() } else { &mut err as *mut _ };
        // SAFETY: valid or NULL pointers.
        let st = unsafe {
            asegpu_session_connect(
                ptr(&f[0], flags & 1 != 0),
                ptr(&pw, flags & 2 != 0),
                None,
                std::ptr::null_mut(),
                cancelled_token(),
                out,
                errp,
            )
        };
        if errp.is_null() {
            assert!(st != asegpu_core::Status::Panic && st != asegpu_core::Status::Internal, "connect: {st:?}");
            return;
        }
        // SAFETY: what the call wrote.
        unsafe { check("asegpu_session_connect", st, err, None, secret) };
        if st == asegpu_core::Status::Ok {
            assert!(!session.is_null(), "connect: OK without a session");
            // SAFETY: a session from asegpu.
            unsafe { asegpu_session_free(session) };
        } else {
            assert!(session.is_null(), "connect: session written on failure");
        }
    })
});
