// Keeps the library mapped for the life of the process: a worker thread that loaded it may
// exit while pool threads (process-wide) still run its code, so dlclose must never unload it.
// Node-API symbols need no flag on Linux: they resolve from the node binary at load time.
fn main() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
