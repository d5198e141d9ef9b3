//! Sizes as cargo prints them (`HumanBytes`): binary units, `B` to `EiB`.

/// The size in its largest whole unit: `(1.1, "KiB")` for 1141 bytes
/// (cargo's `human_readable_bytes`, in `f32` as cargo computes it).
pub fn human_readable(bytes: u64) -> (f32, &'static str) {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let b = bytes as f32;
    let i = ((b.log2() / 10.0) as usize).min(UNITS.len() - 1);
    (b / 1024_f32.powi(i as i32), UNITS[i])
}

/// `610B`, `1.1KiB`, `33.5MiB`: whole bytes, else one decimal (what
/// `clean` and `package` print).
pub fn human_bytes(bytes: u64) -> String {
    match human_readable(bytes) {
        (size, "B") => format!("{size}B"),
        (size, unit) => format!("{size:.1}{unit}"),
    }
}

/// One decimal whatever the unit: `512.0B`, `1.1KiB` (the download lines).
pub fn human_bytes_fixed(bytes: u64) -> String {
    let (size, unit) = human_readable(bytes);
    format!("{size:.1}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_cargo_prints_them() {
        assert_eq!(human_bytes(0), "0B");
        assert_eq!(human_bytes(610), "610B");
        assert_eq!(human_bytes(1023), "1023B");
        assert_eq!(human_bytes(1024), "1.0KiB");
        assert_eq!(human_bytes(1141), "1.1KiB");
        assert_eq!(human_bytes(44_749), "43.7KiB");
        assert_eq!(human_bytes(35_127_296), "33.5MiB");
        assert_eq!(human_bytes(3 * 1024 * 1024 + 1), "3.0MiB");
        assert_eq!(human_bytes_fixed(512), "512.0B");
        assert_eq!(human_bytes_fixed(1141), "1.1KiB");
    }
}
