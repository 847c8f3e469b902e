//! The lenient JSON reader of the template engine (comments, trailing commas, unquoted keys, BOM):
//! no panic, and whatever it accepts survives a round trip through serde_json unchanged.
#![no_main]
use asegpu_core::template::jsonc;
use asegpu_fuzz::on_small_stack;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // On a small stack: a recursion that grows with the input is a crash (issue 11).
    on_small_stack(|| {
        let text = String::from_utf8_lossy(data);
        if let Ok(v) = jsonc::parse(&text) {
            let again = serde_json::to_string(&v).expect("serialises");
            let back =
                jsonc::parse(&again).unwrap_or_else(|e| panic!("re-reading its own output failed: {e:?}: {again}"));
            assert_eq!(v, back, "round trip changed the value");
        }
        let _ = jsonc::parse_request(&text);
        let _ = jsonc::parse_template(&text);
    })
});
