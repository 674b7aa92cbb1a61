//! The prepared-network cache decoder: the input is read as a cache file, as a bare payload
//! behind a matching checksum and as a cache file with its payload re-sealed; every entry
//! the decoder accepts is driven through snapping and both searches
//! (`fireplan::load::network::exercise_cache_bytes`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fireplan::load::network::exercise_cache_bytes(data);
});
