//! Every session function that takes JSON or strings, on a live session against an in-process emulator.
//! Byte 0 picks the function, byte 1 the NULL arguments and whether the call may reach the emulator
//! (only read-only calls do; the others get a cancelled token, so they stop after their argument
//! parsing and checks — template loading and plan building for the preflight included).
#![no_main]
use asegpu::*;
use asegpu_core::Status;
use asegpu_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::{c_char, CString};
use std::ptr::{null, null_mut};

fuzz_target!(|data: &[u8]| {
    let _ = device(); // started on the fuzzer's thread, once
                      // On a small stack: a recursion that grows with the input is a crash (issue 11).
    on_small_stack(|| {
        if data.len() < 2 || touches_special_files(data) {
            return;
        }
        let dev = device();
        let (sel, flags) = (data[0], data[1]);
        let f = fields(&data[2..], 3);
        let n = |i: usize| flags & (1 << (i + 2)) != 0;
        let (a, b, c) = (ptr(&f[0], n(0)), ptr(&f[1], n(1)), ptr(&f[2], n(2)));
        let s = if flags & 0x20 != 0 { null() } else { dev.session as *const AsegpuSession };
        let live = flags & 0x40 != 0;
        let read_cancel = if live { null() } else { cancelled_token() };
        let k = cancelled_token();
        let mut out: *mut c_char = null_mut();
        let mut err: *mut AsegpuError = null_mut();
        let o = if flags & 0x80 != 0 { null_mut() } else { &mut out as *mut _ };
        let e = &mut err as *mut _;
        let vm_pw;
        // SAFETY: every pointer is valid or NULL.
        let (name, st, has_out) = unsafe {
            match sel % 20 {
                0 => ("asegpu_resource_group_get", asegpu_resource_group_get(s, a, read_cancel, o, e), true),
                1 => ("asegpu_resource_group_create", asegpu_resource_group_create(s, a, k, o, e), true),
                2 => {
                    ("asegpu_resource_group_delete", asegpu_resource_group_delete(s, a, None, null_mut(), k, e), false)
                }
                3 => ("asegpu_gpu_preflight", asegpu_gpu_preflight(s, a, read_cancel, o, e), true),
                4 => ("asegpu_deployment_create", asegpu_deployment_create(s, a, None, null_mut(), k, o, e), true),
                5 => {
                    let mut p = f[1].as_bytes().to_vec();
                    p.extend_from_slice(PASSWORD_MARK.as_bytes());
                    vm_pw = CString::new(p).unwrap();
                    ("asegpu_vm_create", asegpu_vm_create(s, a, ptr(&vm_pw, n(1)), None, null_mut(), k, o, e), true)
                }
                6 => ("asegpu_vm_get", asegpu_vm_get(s, a, b, read_cancel, o, e), true),
                7 => ("asegpu_vm_list", asegpu_vm_list(s, a, read_cancel, o, e), true),
                8 => ("asegpu_vm_power", asegpu_vm_power(s, a, b, c, None, null_mut(), k, o, e), true),
                9 => ("asegpu_vm_delete", asegpu_vm_delete(s, a, b, None, null_mut(), k, e), false),
                10 => (
                    "asegpu_gpu_extension_install",
                    asegpu_gpu_extension_install(s, a, None, null_mut(), k, o, e),
                    true,
                ),
                11 => ("asegpu_vm_extension_get", asegpu_vm_extension_get(s, a, b, c, read_cancel, o, e), true),
                12 => (
                    "asegpu_vm_extension_remove",
                    asegpu_vm_extension_remove(s, a, b, c, None, null_mut(), k, e),
                    false,
                ),
                13 => ("asegpu_update_resume", asegpu_update_resume(s, a, None, null_mut(), k, o, e), true),
                14 => (
                    "asegpu_storage_account_create",
                    asegpu_storage_account_create(s, a, None, null_mut(), k, o, e),
                    true,
                ),
                15 => ("asegpu_vhd_upload", asegpu_vhd_upload(s, a, None, null_mut(), k, o, e), true),
                16 => ("asegpu_image_create", asegpu_image_create(s, a, None, null_mut(), k, o, e), true),
                17 => ("asegpu_session_info", asegpu_session_info(s, o, e), true),
                18 => ("asegpu_gpu_availability", asegpu_gpu_availability(s, read_cancel, o, e), true),
                _ => ("asegpu_update_suspend", asegpu_update_suspend(s, None, null_mut(), k, o, e), true),
            }
        };
        let out_arg = (has_out && !o.is_null()).then_some(out);
        let secret = (sel % 20 == 5).then_some(PASSWORD_MARK);
        if st == Status::Ok && has_out && o.is_null() {
            panic!("{name}: OK although out_json is NULL");
        }
        // SAFETY: what the call wrote.
        unsafe { check(name, st, err, out_arg, secret) };
        let _ = SIM_PASSWORD;
    })
});
