//! Parses arbitrary UTF-8 as a note and checks every range in the summary.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        dex_fuzz::check_parse(text);
    }
});
