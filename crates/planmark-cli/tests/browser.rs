//! The pictures in a real browser. Debian's Chromium renders the HTML
//! report headless without a console message, and a screenshot is kept in
//! the target folder. The Mermaid CLI renders every Mermaid chart planmark
//! writes, in the same Chromium; a chart Mermaid cannot read fails.
//!
//! `planmark serve` is driven in the same Chromium by Playwright, as a user
//! would: a card dragged to done, a status changed by keyboard alone, an
//! edit on disk showing up, a conflict shown; a screenshot of every page.
//!
//! What these tests need they install when it is missing: Chromium from
//! Debian's packages, the Mermaid CLI and playwright-core from npm (pinned
//! by the lock files in tests/mermaid and tests/serve).

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// Chromium flags for a closed network and a root user.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn target() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// One installer at a time.
fn lock() -> std::sync::MutexGuard<'static, ()> {
    static L: OnceLock<Mutex<()>> = OnceLock::new();
    L.get_or_init(|| Mutex::new(()))
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Chromium, installed from Debian's packages when missing.
fn chromium() -> PathBuf {
    common::apt_install("chromium", || {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
    })
}

/// The Mermaid CLI, installed with npm from the lock file when missing.
fn mmdc() -> PathBuf {
    let _guard = lock();
    let dir = target().join("mermaid-cli");
    let bin = dir.join("node_modules/.bin/mmdc");
    if bin.exists() {
        return bin;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mermaid");
    for f in ["package.json", "package-lock.json"] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    let ok = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--silent"])
        .current_dir(&dir)
        // Puppeteer would fetch its own browser; Debian's is used instead.
        .env("PUPPETEER_SKIP_DOWNLOAD", "1")
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok && bin.exists(),
        "the Mermaid CLI could not be installed with npm"
    );
    bin
}

/// playwright-core, installed with npm from the lock file when missing;
/// returns the folder with the scripts and their node_modules.
fn playwright() -> PathBuf {
    let _guard = lock();
    let dir = target().join("serve-browser");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/serve");
    std::fs::create_dir_all(&dir).unwrap();
    // The scripts are copied every time: they change with the tests.
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    if dir
        .join("node_modules/playwright-core/package.json")
        .exists()
    {
        return dir;
    }
    let ok = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--silent"])
        .current_dir(&dir)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "playwright-core could not be installed with npm");
    dir
}

#[test]
fn the_board_works_in_chromium_by_mouse_keyboard_and_live_updates() {
    let browser = chromium();
    let scripts = playwright();
    let dir = common::examples_copy();
    let served = common::Served::start(dir.path(), &[]);
    let shots = target().join("serve-screenshots");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    let plan = dir.path().join("csv-importer-guide.md");
    let out = Command::new("node")
        .arg(scripts.join("board.mjs"))
        .arg(&served.url)
        .arg(&browser)
        .arg(&plan)
        .arg(&shots)
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{log}");
    let report: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(report["ok"], true);
    // Every page was looked at; a real picture each, not a blank one.
    for name in [
        "overview",
        "board",
        "board-dark",
        "timeline",
        "findings",
        "task",
        "board-live",
        "conflict",
    ] {
        let png = std::fs::read(shots.join(format!("{name}.png"))).unwrap();
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 20_000,
            "{name}: {} bytes",
            png.len()
        );
    }
    assert!(
        std::fs::read(shots.join("board.pdf"))
            .unwrap()
            .starts_with(b"%PDF")
    );
    // The plan holds every change the browser made, and the edit made on disk.
    let text = std::fs::read_to_string(&plan).unwrap();
    for line in [
        "- [x] Task 3.1:",
        "- [~] Task 3.3: Docs and merchant help centre article",
        "Apply job with batching and retries (4d) @dmitri",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
}

fn planmark(args: &[&str], dir: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_planmark"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "planmark {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn chromium_renders_the_report_without_console_messages() {
    let browser = chromium();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    let ex = examples();
    planmark(
        &[
            "report",
            ex.to_str().unwrap(),
            "-o",
            report.to_str().unwrap(),
            "--today",
            "2026-12-10",
        ],
        dir.path(),
    );
    let profile = tempfile::tempdir().unwrap();
    // A screenshot of the page with `extra` flags into target/tmp/`name`;
    // the console messages logged on the way.
    let shoot = |name: &str, extra: &[&str]| -> (Vec<u8>, Vec<String>) {
        let shot = target().join(name);
        let _ = std::fs::remove_file(&shot);
        let out = Command::new(&browser)
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args([
                "--enable-logging=stderr",
                "--v=0",
                "--window-size=1300,4000",
                "--hide-scrollbars",
            ])
            .args(extra)
            .arg(format!("--screenshot={}", shot.display()))
            .arg(format!("file://{}", report.display()))
            .output()
            .unwrap();
        let log = String::from_utf8_lossy(&out.stderr).into_owned();
        let console = log
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .map(str::to_owned)
            .collect();
        let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot ({e}): {log}"));
        (png, console)
    };
    let (png, console) = shoot("report.png", &[]);
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // A page with charts on it, not a blank one.
    assert!(png.len() > 50_000, "{} bytes", png.len());
    // The dark theme: the same page under `prefers-color-scheme: dark`
    // looks different, and still logs nothing.
    let (dark_png, console) = shoot(
        "report-dark.png",
        &[
            "--force-dark-mode",
            "--blink-settings=preferredColorScheme=0",
        ],
    );
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert_ne!(png, dark_png, "the dark theme changes nothing");
    // Printing: a PDF comes out.
    let pdf = target().join("report.pdf");
    let _ = std::fs::remove_file(&pdf);
    Command::new(&browser)
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", report.display()))
        .output()
        .unwrap();
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "no PDF printed");
    // The DOM as the browser built it: every chart is there.
    let dom = Command::new(&browser)
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", report.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    for class in [
        "planmark gantt",
        "planmark forecast",
        "planmark risk-matrix",
    ] {
        assert!(
            dom.contains(class),
            "{class} missing from the rendered page"
        );
    }
}

#[test]
fn mermaid_reads_every_chart_planmark_writes() {
    chromium();
    let mmdc = mmdc();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("puppeteer.json");
    std::fs::write(
        &config,
        serde_json::json!({ "executablePath": chromium(), "args": FLAGS[1..] }).to_string(),
    )
    .unwrap();
    // The examples, one by one and together, and the test fixtures.
    let ex = examples();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../planmark/tests/fixtures");
    let mut inputs: Vec<PathBuf> = vec![ex.clone()];
    for d in [&ex, &fixtures] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        files.sort();
        inputs.extend(files);
    }
    // Every chart in one Markdown file: one browser for all of them.
    let mut all = String::new();
    let mut checked = 0;
    for (i, input) in inputs.iter().enumerate() {
        for chart in ["gantt", "graph"] {
            let mmd = dir.path().join(format!("{chart}-{i}.mmd"));
            let out = Command::new(env!("CARGO_BIN_EXE_planmark"))
                .args([chart, input.to_str().unwrap(), "-o", mmd.to_str().unwrap()])
                .args(["--today", "2026-12-10"])
                .output()
                .unwrap();
            if !out.status.success() {
                // Plans that cannot be scheduled (a fixture with an
                // impossible demand) have no chart to check.
                continue;
            }
            let text = std::fs::read_to_string(&mmd).unwrap();
            let _ = write!(
                all,
                "\n<!-- the {chart} of {} -->\n\n```mermaid\n{text}```\n",
                input.display()
            );
            checked += 1;
        }
    }
    let md = dir.path().join("charts.md");
    std::fs::write(&md, &all).unwrap();
    let r = Command::new(&mmdc)
        .args(["-q", "-p"])
        .arg(&config)
        .arg("-i")
        .arg(&md)
        .arg("-o")
        .arg(dir.path().join("rendered.md"))
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&r.stdout),
        String::from_utf8_lossy(&r.stderr)
    );
    // A chart Mermaid cannot read fails the run; one it draws badly (an
    // axis of NaN) logs errors.
    assert!(
        r.status.success() && !log.contains("Error"),
        "Mermaid cannot read or draw the charts:\n{log}\n{all}"
    );
    let drawn = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "svg")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("rendered"))
        })
        .count();
    assert_eq!(drawn, checked, "one picture per chart");
    assert!(
        checked >= 2 * (inputs.len() - 2),
        "{checked} charts checked"
    );
}
