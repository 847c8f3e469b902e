//! `include/asegpu.h` must be exactly what cbindgen generates from the sources.
//! Regenerate with `ASEGPU_BLESS=1 cargo test --test integration header`.

#[test]
fn header_is_fresh() {
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = format!("{root}/crates/asegpu-ffi");
    let mut config = cbindgen::Config::from_file(format!("{dir}/cbindgen.toml")).expect("cbindgen.toml");
    // Generated from the Rust constant, never maintained by hand.
    config.after_includes = Some(format!(
        "\n/* Version of the C ABI; asegpu_abi_version() returns it. */\n#define ASEGPU_ABI_VERSION {}\n",
        asegpu::ASEGPU_ABI_VERSION
    ));
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut generated);
    let generated = String::from_utf8(generated).expect("UTF-8 header");
    let path = format!("{root}/include/asegpu.h");
    if std::env::var_os("ASEGPU_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write header");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/asegpu.h is stale: run `ASEGPU_BLESS=1 cargo test --test integration header` and commit it"
    );
    for sym in
        ["asegpu_session_connect", "asegpu_error_free", "asegpu_string_free", "ASEGPU_STATUS_OK", "ASEGPU_ABI_VERSION"]
    {
        assert!(generated.contains(sym), "{sym} missing from the header");
    }
}
