//! `--timings`: the HTML report parses, names every unit the build ran,
//! and its times fit within the build's.

use mycargo_test_support::project;

/// The JSON the report embeds for tools.
fn timing_data(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/json\" id=\"timing-data\">")
        .expect("the report embeds its data");
    let rest = &html[start..];
    let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(body).expect("the embedded data is JSON")
}

#[test]
fn timings_report_names_every_unit_and_adds_up() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ndep = { path = \"dep\" }\n",
        )
        .file("build.rs", "fn main() {}\n")
        .file("src/lib.rs", "pub fn f() { dep::g() }\n")
        .file("src/main.rs", "fn main() { foo::f() }\n")
        .file("dep/Cargo.toml", "[package]\nname = \"dep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        .file("dep/src/lib.rs", "pub fn g() {}\n")
        .build();
    let began = std::time::Instant::now();
    let out = p.mycargo("build --timings").run();
    let wall = began.elapsed().as_secs_f64();
    let err = out.stderr_redacted();
    assert!(
        err.contains("Timing report saved to [ROOT]/foo/target/cargo-timings/cargo-timing-"),
        "{err}"
    );
    let dir = p.root().join("target/cargo-timings");
    let html = std::fs::read_to_string(dir.join("cargo-timing.html")).unwrap();
    for section in [
        "<h2>Summary</h2>",
        "<h2>Unit timeline</h2>",
        "<h2>Concurrency</h2>",
        "<h2>Units</h2>",
    ] {
        assert!(html.contains(section), "{section}");
    }
    // The timestamped copy is the same report.
    let copies: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("cargo-timing-"))
        .collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(std::fs::read_to_string(copies[0].path()).unwrap(), html);

    let data = timing_data(&html);
    let total = data["total"].as_f64().unwrap();
    assert!(total > 0.0 && total <= wall, "{total} vs {wall}");
    let units = data["units"].as_array().unwrap();
    let names: Vec<String> = units
        .iter()
        .map(|u| {
            format!(
                "{} {}",
                u["package"].as_str().unwrap(),
                u["target"].as_str().unwrap()
            )
        })
        .collect();
    for want in [
        "dep v0.1.0 lib",
        "foo v0.1.0 build script",
        "foo v0.1.0 lib",
        "foo v0.1.0 bin \"foo\"",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
        assert!(
            html.contains(&want.replace('"', "&quot;")),
            "{want} in the HTML"
        );
    }
    for u in units {
        let (start, took) = (
            u["start"].as_f64().unwrap(),
            u["duration"].as_f64().unwrap(),
        );
        assert!(
            start >= 0.0 && took >= 0.0 && start + took <= total + 0.05,
            "{u}"
        );
        if let Some(r) = u["rmeta"].as_f64() {
            assert!(r <= took + 0.05, "{u}");
        }
    }
    // The critical path: a chain whose durations fit in the build.
    let critical: Vec<&serde_json::Value> =
        units.iter().filter(|u| u["critical"] == true).collect();
    assert!(!critical.is_empty());
    let chain: f64 = critical
        .iter()
        .map(|u| u["duration"].as_f64().unwrap())
        .sum();
    assert!(chain <= total + 0.05, "{chain} vs {total}");
    assert!(html.contains("<th>Critical path</th>"));
    // Running units never exceed the units there are.
    for c in data["concurrency"].as_array().unwrap() {
        let active = c["active"].as_u64().unwrap() as usize;
        assert!(active <= units.len());
        // CPU use, where the machine tells it, is a percentage.
        if let Some(cpu) = c["cpu"].as_f64() {
            assert!((0.0..=100.0).contains(&cpu), "{cpu}");
        }
    }
    if std::path::Path::new("/proc/stat").exists() {
        assert!(
            data["concurrency"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["cpu"].is_f64()),
            "no CPU samples"
        );
    }
    assert!(html.contains("<th>CPU use</th>"));

    // A build with nothing to do still reports, every unit fresh.
    p.mycargo("build --timings").run();
    let html = std::fs::read_to_string(dir.join("cargo-timing.html")).unwrap();
    let data = timing_data(&html);
    let units = data["units"].as_array().unwrap();
    assert!(!units.is_empty());
    assert!(units.iter().all(|u| u["fresh"].as_bool() == Some(true)));
}

#[test]
fn timings_json_lines_name_every_unit() {
    let p = project()
        .file(
            "Cargo.toml",
            "[package]\nname = \"foo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ndep = { path = \"dep\" }\n",
        )
        .file("src/lib.rs", "pub fn f() { dep::g() }\n")
        .file("dep/Cargo.toml", "[package]\nname = \"dep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        .file("dep/src/lib.rs", "pub fn g() {}\n")
        .build();
    let out = p.mycargo("build --timings=json").run();
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let units: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["reason"] == "timing-info")
        .collect();
    let mut names: Vec<String> = units
        .iter()
        .map(|u| u["package"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["dep v0.1.0", "foo v0.1.0"]);
    let summary = lines.last().unwrap();
    assert_eq!(summary["reason"], "timing-summary");
    let total = summary["total"].as_f64().unwrap();
    for u in &units {
        let end = u["start"].as_f64().unwrap() + u["duration"].as_f64().unwrap();
        assert!(end <= total + 1e-6, "{u} ends after the build ({total})");
    }
    // dep then foo: both on the critical path.
    assert_eq!(summary["critical_path"].as_array().unwrap().len(), 2);
    // JSON only: no HTML report.
    assert!(!p.root().join("target/cargo-timings").exists());
    // An unknown format is refused.
    let bad = p.mycargo("build --timings=svg").with_any_status().run();
    assert_eq!(bad.code(), Some(101));
}
