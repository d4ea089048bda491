//! `docs --serve` and the HTML site in a real browser: headless Chromium (Debian
//! `chromium`) driven through the DevTools protocol. Tests that need the browser skip with
//! a printed reason without it; the busy-port and findings tests need none.
//!
//! Waits are functional: a page is polled until it shows what is expected, with a
//! generous overall timeout; the time an edit took to reach the page is printed, never
//! asserted.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// An overall limit for each wait: far above the 2 s an edit is meant to take.
const PATIENCE: Duration = Duration::from_secs(30);

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docs_site")
}

/// A copy of the fixture repository that a test may edit.
fn editable_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(fixture()) {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(fixture()).unwrap();
        let target = dir.path().join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    dir
}

const DETECTION: &str = "detections/cloud/aws_iam_failure_group_deletion.yml";
const DETECTION_PAGE: &str = "detections/aws_iam_failure_group_deletion.html";

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|path| path.is_file())
        })
    })
}

// ---------------------------------------------------------------------------------------
// The server under test.

/// `splforge docs --serve --port 0` on a repository, its stderr collected as it comes.
struct Server {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_splforge"))
            .args(["docs", "--serve", "--port", "0", "--root"])
            .arg(root)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start splforge docs --serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (port_tx, port_rx) = mpsc::channel();
        collect_lines(
            child.stderr.take().unwrap(),
            Arc::clone(&stderr),
            move |line| {
                let port = line
                    .split_once("at http://127.0.0.1:")
                    .and_then(|(_, rest)| rest.split('/').next()?.parse::<u16>().ok());
                if let Some(port) = port {
                    let _ = port_tx.send(port);
                }
            },
        );
        let port = match port_rx.recv_timeout(PATIENCE) {
            Ok(port) => port,
            Err(_) => {
                let _ = child.kill();
                panic!("no `Serving ... at` line: {}", stderr.lock().unwrap());
            }
        };
        Server {
            child,
            port,
            stderr,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }

    fn get(&self, path: &str) -> (u16, String) {
        http_get(self.port, &format!("/{path}"))
    }

    fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Stops the server as Ctrl-C does (SIGINT) and returns its exit status.
    fn interrupt(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill -INT");
        assert!(status.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if started.elapsed() > PATIENCE {
                let _ = self.child.kill();
                panic!("the server did not stop on SIGINT: {}", self.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads `stream` line by line on a thread, appending to `into` and calling `each`.
fn collect_lines(
    stream: ChildStderr,
    into: Arc<Mutex<String>>,
    each: impl Fn(&str) + Send + 'static,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            each(&line);
            let mut text = into.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
}

/// A plain HTTP GET: the status code and the body; `(0, "")` when the connection fails
/// (callers that wait for a server poll again).
fn http_get(port: u16, path: &str) -> (u16, String) {
    let attempt = || -> std::io::Result<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(PATIENCE))?;
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        )?;
        // Read the head, then the body by its length (DevTools keeps the connection open).
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        let mut length = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse::<usize>().ok();
            }
            head.push_str(&line);
            if line == "\r\n" {
                break;
            }
        }
        let mut body = Vec::new();
        match length {
            Some(length) => {
                body.resize(length, 0);
                reader.read_exact(&mut body)?;
            }
            None => {
                reader.read_to_end(&mut body)?;
            }
        }
        Ok(format!("{head}{}", String::from_utf8_lossy(&body)))
    };
    let Ok(response) = attempt() else {
        return (0, String::new());
    };
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Replaces `from` by `to` in a file of the repository.
fn edit(root: &Path, relative: &str, from: &str, to: &str) {
    let path = root.join(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{relative} does not contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Polls `check` every 50 ms until it holds or [`PATIENCE`] is over.
fn eventually(mut check: impl FnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        if check() {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

// ---------------------------------------------------------------------------------------
// Headless Chromium through the DevTools protocol.

type Socket = tungstenite::WebSocket<TcpStream>;

struct Browser {
    child: Child,
    socket: Socket,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Chromium showing `url`, or `None` (with the reason printed) when it is not installed.
    fn open(url: &str) -> Option<Browser> {
        let Some(binary) = chromium() else {
            println!("skipped: chromium is not installed (apt-get install chromium)");
            return None;
        };
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                "--window-size=1280,1000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        let (tx, rx) = mpsc::channel();
        let log = Arc::new(Mutex::new(String::new()));
        collect_lines(
            child.stderr.take().unwrap(),
            Arc::clone(&log),
            move |line| {
                if let Some(at) = line.find("ws://127.0.0.1:") {
                    let _ = tx.send(line[at..].trim().to_owned());
                }
            },
        );
        let Ok(browser_ws) = rx.recv_timeout(PATIENCE) else {
            let _ = child.kill();
            panic!("chromium gave no DevTools address: {}", log.lock().unwrap());
        };
        let port: u16 = browser_ws["ws://127.0.0.1:".len()..]
            .split('/')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("DevTools port");
        // The page's own DevTools socket, from the target list.
        let mut page_ws = None;
        eventually(|| {
            let (_, body) = http_get(port, "/json/list");
            let targets: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            page_ws = targets.as_array().and_then(|all| {
                all.iter()
                    .find(|t| t["type"] == "page")
                    .and_then(|t| t["webSocketDebuggerUrl"].as_str())
                    .map(str::to_owned)
            });
            page_ws.is_some()
        });
        let page_ws = page_ws.expect("a page target");
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let (socket, _) = tungstenite::client(page_ws.as_str(), stream).expect("DevTools socket");
        let mut browser = Browser {
            child,
            socket,
            next_id: 1,
            _profile: profile,
        };
        // A headless window never has the focus: without this, focus and key events of
        // the page are not delivered as a person's would be.
        browser.call(
            "Emulation.setFocusEmulationEnabled",
            json!({ "enabled": true }),
        );
        Some(browser)
    }

    /// Calls a DevTools method and returns its result (events in between are skipped).
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let message = json!({ "id": id, "method": method, "params": params });
        self.socket
            .send(tungstenite::Message::text(message.to_string()))
            .unwrap();
        loop {
            let reply = self.socket.read().expect("DevTools reply");
            let Ok(text) = reply.to_text() else { continue };
            let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            if value["id"] == id {
                return value["result"].clone();
            }
        }
    }

    /// The value of a JavaScript expression in the page (`null` while it is loading).
    fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        );
        result["result"]["value"].clone()
    }

    fn text(&mut self) -> String {
        self.eval("document.body ? document.body.innerText : ''")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Polls the expression until it is `true`.
    fn wait_for(&mut self, expression: &str) -> bool {
        eventually(|| self.eval(expression) == Value::Bool(true)).is_some()
    }

    fn key(&mut self, key: &str, code: u32) {
        for kind in ["rawKeyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code }),
            );
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------
// docs --serve

#[test]
fn an_edit_reaches_the_open_page_in_the_browser_and_ctrl_c_stops_the_server() {
    if chromium().is_none() {
        println!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    }
    let repository = editable_fixture();
    let server = Server::start(repository.path());
    let mut browser = Browser::open(&server.url(DETECTION_PAGE)).unwrap();
    assert!(
        browser.wait_for("document.readyState === 'complete' && document.body.innerText.includes('identifies failure attempts')"),
        "the served page did not load: {}",
        browser.text()
    );
    // The page has subscribed to the server's events before the edit.
    assert!(browser.wait_for("typeof EventSource === 'function' && document.querySelector('script[data-version]') !== null"));
    std::thread::sleep(Duration::from_millis(300));

    let marker = "Written while the page was open";
    let edited = Instant::now();
    edit(
        repository.path(),
        DETECTION,
        "This detection identifies failure attempts",
        marker,
    );
    let shown = eventually(|| browser.text().contains(marker));
    let Some(_) = shown else {
        panic!(
            "the page never showed the edit: {}\nserver: {}",
            browser.text(),
            server.log()
        );
    };
    println!(
        "the edit reached the open page {:?} after the file was written",
        edited.elapsed()
    );

    // Only what the edit affects was rendered again: the detection's page (its
    // description) and nothing of the other pages, which show no description.
    let log = server.log();
    let line = log
        .lines()
        .find(|l| l.starts_with("Changed detections/cloud/aws_iam_failure_group_deletion.yml"))
        .unwrap_or_else(|| panic!("no rebuild line: {log}"));
    let counts: Vec<usize> = line
        .split("rendered ")
        .nth(1)
        .and_then(|rest| rest.split(" pages").next())
        .map(|s| s.split(" of ").filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_default();
    assert_eq!(counts.len(), 2, "{line}");
    assert_eq!(counts[0], 1, "one page rendered again: {line}");
    assert!(counts[1] > 10, "of every page of the site: {line}");

    drop(browser);
    let status = server.interrupt();
    assert!(status.success(), "exit status after SIGINT: {status:?}");
}

#[test]
fn a_busy_port_is_refused_with_a_clear_message() {
    let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let output = Command::new(env!("CARGO_BIN_EXE_splforge"))
        .args(["docs", "--serve", "--port", &port.to_string(), "--root"])
        .arg(fixture())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("127.0.0.1:{port}"))
            && stderr.contains("already in use")
            && stderr.contains("--port"),
        "{stderr}"
    );
    assert!(!stderr.contains("Serving"), "{stderr}");
}

#[test]
fn a_page_shows_its_lint_findings_at_the_top_until_they_are_fixed() {
    let repository = editable_fixture();
    let server = Server::start(repository.path());
    let (status, page) = server.get(DETECTION_PAGE);
    assert_eq!(status, 200);
    let problems_at = page.find("class=\"problems\"").expect("a findings section");
    assert!(problems_at < page.find("<h1>").unwrap(), "above the title");
    assert!(page.contains("error[SF202]"), "{page}");
    assert!(page.contains("AWS CloudTrail Nowhere"));
    // A page without findings has no such section.
    let (_, story) = server.get("stories/aws_iam_privilege_escalation.html");
    assert!(!story.contains("class=\"problems\""));

    edit(
        repository.path(),
        DETECTION,
        "- AWS CloudTrail Nowhere\n",
        "",
    );
    let fixed = eventually(|| !server.get(DETECTION_PAGE).1.contains("class=\"problems\""));
    assert!(fixed.is_some(), "server: {}", server.log());
    let (status, missing) = server.get("no/such/page.html");
    assert_eq!(status, 404, "{missing}");
}

// ---------------------------------------------------------------------------------------
// The written HTML site (issue 22, point 16)

/// `docs --format html` of a repository into a fresh directory: the site's directory
/// (`OUT/html`, the one layout).
fn write_html_site(root: &Path, out: &Path) -> PathBuf {
    let site = out.join("site");
    let output = Command::new(env!("CARGO_BIN_EXE_splforge"))
        .args(["docs", "--format", "html", "--root"])
        .arg(root)
        .arg("--out")
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    site.join("html")
}

fn read(site: &Path, page: &str) -> String {
    std::fs::read_to_string(site.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

#[test]
fn the_html_site_takes_the_repository_title_and_source_and_drops_what_is_empty() {
    let out = tempfile::tempdir().unwrap();
    let site = write_html_site(&fixture(), out.path());
    let detection = read(&site, DETECTION_PAGE);
    // The app title and the configured source address, not splunk/security_content's.
    assert!(detection.contains("<a class=\"brand\" href=\"../index.html\">Acme Detections</a>"));
    assert!(detection.contains(
        "href=\"https://git.example.com/acme/detections/tree/main/detections/cloud/aws_iam_failure_group_deletion.yml\""
    ));
    for page in walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
    {
        let html = std::fs::read_to_string(page.path()).unwrap();
        let name = page.path().display();
        assert!(!html.contains("Security content"), "{name}");
        assert!(
            !html.contains("github.com/splunk/security_content"),
            "{name}"
        );
        assert!(
            !html.contains("Try in Splunk Security Cloud"),
            "{name}: opt-in"
        );
        assert!(!html.contains("href=\"\""), "{name}: a link to nothing");
        // The search index is not part of any page: the search box loads it.
        assert!(!html.contains("search-index.js\""), "{name}");
    }
    // A data source without a page is text, one with a page a link.
    assert!(
        detection.contains("AWS CloudTrail Nowhere</li>"),
        "{detection}"
    );
    assert!(detection.contains(
        "<a href=\"../data_sources/aws_cloudtrail_deletegroup.html\">AWS CloudTrail DeleteGroup</a>"
    ));
    // No heading over nothing; the score as a whole number.
    assert!(!detection.contains("Kill Chain Phase"));
    assert!(detection.contains("<td>50</td>") && !detection.contains("50.0"));

    // The deprecated detection: a banner, no empty Reference heading, and it is kept out
    // of its technique's table (but still in the detections section, marked).
    let deprecated = read(&site, "detections/aws_iam_old_group_deletion.html");
    assert!(
        deprecated.contains("<strong>Deprecated.</strong>"),
        "{deprecated}"
    );
    assert!(!deprecated.contains("<h4>Reference</h4>"));
    let technique = read(&site, "techniques/t1098.html");
    assert!(technique.contains("AWS IAM Failure Group Deletion"));
    assert!(
        !technique.contains("AWS IAM Old Group Deletion"),
        "{technique}"
    );
    let detections = read(&site, "detections.html");
    assert!(detections.contains("<tr data-f0=\"Anomaly\" data-f1=\"Deprecated\" data-f2=\"deprecated\" class=\"deprecated\">"), "{detections}");

    // One page per section, with its count; the coverage map counts production detections.
    let index = read(&site, "index.html");
    for (section, count) in [
        ("stories", 1),
        ("detections", 2),
        ("techniques", 1),
        ("data_sources", 1),
        ("macros", 3),
    ] {
        assert!(
            index.contains(&format!(
                "href=\"{section}.html\"><span class=\"count\">{count}</span>"
            )),
            "{section}: {index}"
        );
        assert!(site.join(format!("{section}.html")).is_file());
    }
    let coverage = read(&site, "coverage.html");
    assert!(coverage.contains(
        "<a class=\"cell level-1\" href=\"techniques/t1098.html\" title=\"T1098 Account Manipulation: 1 detections\">"
    ), "{coverage}");
    assert_eq!(
        coverage.matches("class=\"tactic\"").count(),
        14,
        "the Enterprise tactics"
    );

    // Promotional links when the repository asks for them.
    let repository = editable_fixture();
    edit(
        repository.path(),
        "splforge.toml",
        "branch = \"main\"",
        "branch = \"main\"\npromotional_links = true",
    );
    let promoted = write_html_site(repository.path(), &out.path().join("promoted"));
    assert!(read(&promoted, DETECTION_PAGE).contains("Try in Splunk Security Cloud"));
}

#[test]
fn the_search_box_loads_the_index_on_use_and_answers_arrow_keys_and_enter() {
    if chromium().is_none() {
        println!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let site = write_html_site(&fixture(), out.path());
    let index = format!("file://{}", site.join("index.html").display());
    let mut browser = Browser::open(&index).unwrap();
    // The page itself, not the about:blank the browser shows first (also complete): on a
    // loaded machine the page can arrive after that, and would take the focus set below.
    assert!(browser.wait_for(
        "document.readyState === 'complete' && document.getElementById('search') !== null"
    ));
    assert_eq!(
        browser.eval("typeof window.SPLFORGE_SEARCH"),
        "undefined",
        "the index is not loaded with the page"
    );
    browser.eval("document.getElementById('search').focus()");
    assert!(browser.wait_for("document.activeElement === document.getElementById('search')"));
    browser.call("Input.insertText", json!({ "text": "group deletion" }));
    assert!(
        browser.wait_for("document.querySelectorAll('#search-results li').length >= 2"),
        "results: {}",
        browser.eval("[document.activeElement && document.activeElement.id, document.getElementById('search').value, typeof window.SPLFORGE_SEARCH, document.scripts.length, Array.from(document.scripts).map(s => s.src).join()].join(' / ')")
    );
    assert_eq!(browser.eval("Array.isArray(window.SPLFORGE_SEARCH)"), true);
    // The two detections and their filter macros.
    let results = browser
        .eval("document.querySelectorAll('#search-results li').length")
        .as_u64()
        .unwrap();
    assert_eq!(results, 4, "{}", browser.text());
    for _ in 0..=results {
        browser.key("ArrowDown", 40);
    }
    let selected = "Array.from(document.querySelectorAll('#search-results li')).findIndex(li => li.getAttribute('aria-selected') === 'true')";
    assert_eq!(
        browser.eval(selected),
        0,
        "Down past the last result wraps to the first"
    );
    browser.key("ArrowDown", 40);
    assert_eq!(browser.eval(selected), 1);
    browser.key("ArrowUp", 38);
    browser.key("ArrowUp", 38);
    assert_eq!(
        browser.eval(selected),
        results - 1,
        "Up from the first goes to the last"
    );
    let target =
        browser.eval("document.querySelector('#search-results li[aria-selected=true] a').href");
    let target = target.as_str().unwrap().to_owned();
    browser.key("Enter", 13);
    assert!(
        browser.wait_for(&format!("window.location.href === {target:?}")),
        "Enter opens {target}, at {}",
        browser.eval("window.location.href")
    );

    // A section page's filter.
    let detections = format!("file://{}", site.join("detections.html").display());
    browser.call("Page.navigate", json!({ "url": detections }));
    assert!(browser.wait_for(
        "document.readyState === 'complete' && document.querySelector('.filter-text') !== null"
    ));
    browser.eval("document.querySelector('.filter-text').focus()");
    browser.call("Input.insertText", json!({ "text": "old" }));
    assert!(browser.wait_for("document.querySelector('.shown').textContent === '1'"));
    assert_eq!(
        browser.eval("Array.from(document.querySelectorAll('#rows tbody tr')).filter(r => !r.hidden).map(r => r.cells[0].innerText).join()"),
        "AWS IAM Old Group Deletion"
    );
}

// ---------------------------------------------------------------------------------------
// Reuse of unchanged pages

#[test]
fn a_render_reusing_the_previous_one_equals_a_fresh_render() {
    use splforge::docs::{self, DocsFormat, DocsOptions};
    use splforge::load::{LoadLimits, load_repository};
    use splforge::model::Content;

    let catalogue = splforge::attack::catalogue("18.1").unwrap();
    let repository = editable_fixture();
    let render = |previous: Option<&docs::RenderedDocs>| {
        let loaded = load_repository(repository.path(), LoadLimits::default());
        let content = Content::build(&loaded);
        let options = DocsOptions::new(DocsFormat::Html, catalogue);
        docs::render_docs_reusing(&content, &loaded, &options, previous).unwrap()
    };
    let first = render(None);
    let pages = first
        .files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .count();
    assert_eq!(
        first.report.rendered, pages,
        "nothing to reuse the first time"
    );
    let again = render(Some(&first));
    assert_eq!(again.report.rendered, 0, "nothing changed");

    // A story renamed: its page, the pages that link it (its detections), the stories
    // section and the front page change; the result is what a fresh render gives.
    edit(
        repository.path(),
        "stories/aws_iam_privilege_escalation.yml",
        "name: AWS IAM Privilege Escalation",
        "name: AWS IAM Escalation",
    );
    for detection in [
        DETECTION,
        "detections/deprecated/aws_iam_old_group_deletion.yml",
    ] {
        edit(
            repository.path(),
            detection,
            "- AWS IAM Privilege Escalation",
            "- AWS IAM Escalation",
        );
    }
    let reused = render(Some(&again));
    let fresh = render(None);
    let as_map = |r: &docs::RenderedDocs| -> std::collections::BTreeMap<String, String> {
        r.files
            .iter()
            .map(|f| (f.path.clone(), f.contents.clone()))
            .collect()
    };
    assert_eq!(as_map(&reused), as_map(&fresh));
    assert!(
        reused.report.rendered > 1 && reused.report.rendered < pages,
        "{} of {pages} pages rendered again",
        reused.report.rendered
    );
}
