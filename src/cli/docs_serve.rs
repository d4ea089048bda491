//! `docs --serve`: the HTML site served on 127.0.0.1 from memory, rendered again when a
//! file of the repository changes, with open pages reloaded through server-sent events.
//!
//! - HTTP: `tiny_http`, a small synchronous server (no async runtime beside rayon). Requests
//!   are answered on the main thread from the rendered site in memory; nothing is written
//!   to disk, so serving needs no output directory.
//! - Changes: every [`POLL`] the files the loader reads (`load::input_files`), the
//!   configuration and `templates/` are stat-ed; a difference loads, checks and renders
//!   again. The render reuses every page whose inputs are unchanged
//!   (`docs::render_docs_reusing`), so an edit renders only the pages it affects.
//! - Reload: each HTML page gets `/__splforge/reload.js`, which listens on
//!   `/__splforge/events` and reloads the page when a rebuild changed it.
//! - Findings of a file are shown at the top of its page.
//! - Ctrl-C stops the server: the request loop and the watcher see the flag within a poll.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context as _, bail};

use super::clock::today;
use super::output::Sources;
use super::repository::{load_config, require_content};
use super::{GlobalArgs, terminal};
use crate::check::{self, CheckOptions};
use crate::config::Config;
use crate::docs::{DocsFormat, DocsOptions, PageProblem, RenderedDocs, TechniqueLookup};

/// How often the watcher looks for changed files, and the request loop for Ctrl-C.
const POLL: Duration = Duration::from_millis(250);
/// A comment sent to every event stream this often, so a closed one is noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);
const RELOAD_SCRIPT: &str = include_str!("../../templates/docs/reload.js");
const EVENTS_PATH: &str = "/__splforge/events";
const SCRIPT_PATH: &str = "/__splforge/reload.js";

/// The options `docs` renders with: the app title, the source address (configured, else
/// the git remote), and whether promotional links are wanted.
pub(super) fn options<'a>(
    config: &Config,
    root: &Path,
    format: DocsFormat,
    techniques: &'a dyn TechniqueLookup,
) -> DocsOptions<'a> {
    let mut options = DocsOptions::new(format, techniques);
    options.title = config.app.title.clone();
    options.promotional_links = config.docs.promotional_links;
    let source = config.docs.source_url.clone().or_else(|| {
        crate::release_notes::git::first_line(root, &["remote", "get-url", "origin"])
            .and_then(|u| web_address(&u))
    });
    let found = source.is_some();
    match source {
        Some(url) => options.repository_url = url,
        // The Markdown site keeps the 2022 site's links; the HTML site then has none.
        None if format == DocsFormat::Html => options.repository_url = String::new(),
        None => {}
    }
    // The checked-out branch only goes with this repository's own address.
    let branch = config.docs.branch.clone().or_else(|| {
        found
            .then(|| {
                crate::release_notes::git::first_line(root, &["rev-parse", "--abbrev-ref", "HEAD"])
            })
            .flatten()
            .filter(|b| b != "HEAD")
    });
    if let Some(branch) = branch {
        options.branch = branch;
    }
    options
}

/// A remote as a web address: `https://host/org/repo(.git)` and `git@host:org/repo.git`
/// become `https://host/org/repo`; anything else (a local path) is none.
fn web_address(remote: &str) -> Option<String> {
    let trimmed = remote.trim_end_matches('/').trim_end_matches(".git");
    let address = if let Some(rest) = trimmed.strip_prefix("git@") {
        let (host, path) = rest.split_once(':')?;
        format!("https://{host}/{path}")
    } else if let Some(rest) = trimmed.strip_prefix("ssh://git@") {
        format!("https://{rest}")
    } else if trimmed.starts_with("https://") || trimmed.starts_with("http://") {
        // Credentials in a remote (`https://user:token@host/...`) stay out of the pages.
        let (scheme, rest) = trimmed.split_once("://")?;
        let (authority, path) = rest.split_once('/')?;
        let host = authority.rsplit('@').next()?;
        format!("{scheme}://{host}/{path}")
    } else {
        return None;
    };
    Some(address)
}

/// The site being served and the pages' event streams.
struct Served {
    site: Mutex<Site>,
    streams: Mutex<Vec<Box<dyn Write + Send>>>,
}

struct Site {
    rendered: RenderedDocs,
    by_path: HashMap<String, usize>,
    /// Counts rebuilds; a page compares the one it was served with on connecting.
    version: u64,
}

impl Site {
    fn new(rendered: RenderedDocs, version: u64) -> Site {
        let by_path = rendered
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.clone(), i))
            .collect();
        Site {
            rendered,
            by_path,
            version,
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(super) fn serve(global: &GlobalArgs, port: u16) -> anyhow::Result<ExitCode> {
    let config = load_config(global)?;
    require_content(&global.root)?;
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(listener) => listener,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => bail!(
            "cannot serve on 127.0.0.1:{port}: the port is already in use (by another \
             program, or another `splforge docs --serve`); stop it, or choose another port \
             with --port N (--port 0 takes any free one)"
        ),
        Err(e) => return Err(e).with_context(|| format!("cannot listen on 127.0.0.1:{port}")),
    };
    let address = listener.local_addr()?;
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| anyhow::anyhow!("cannot serve on {address}: {e}"))?;

    let stop = Arc::new(AtomicBool::new(false));
    let handler_stop = Arc::clone(&stop);
    ctrlc::set_handler(move || handler_stop.store(true, Ordering::SeqCst))
        .context("cannot install the Ctrl-C handler")?;

    crate::attack::prefetch(&config.attack_version);
    let started = Instant::now();
    let watched = watched_files(&global.root, &config);
    let (rendered, findings) = build(&global.root, &config, None)?;
    let pages = rendered.report.rendered;
    let served = Served {
        site: Mutex::new(Site::new(rendered, 0)),
        streams: Mutex::new(Vec::new()),
    };
    terminal::stderr_line(format!(
        "Rendered {pages} pages ({findings} findings) in {:.0?}",
        started.elapsed()
    ));
    terminal::stderr_line(terminal::escape(&format!(
        "Serving {} at http://{address}/ (Ctrl-C to stop)",
        global.root.display()
    )));

    std::thread::scope(|scope| {
        scope.spawn(|| watch(global, config, watched, &served, &stop));
        while !stop.load(Ordering::SeqCst) {
            match server.recv_timeout(POLL) {
                Ok(Some(request)) => answer(request, &served, address.port()),
                Ok(None) => {}
                Err(e) => {
                    terminal::stderr_line(format!("error: {e}"));
                    break;
                }
            }
        }
        stop.store(true, Ordering::SeqCst);
    });
    lock(&served.streams).clear();
    terminal::stderr_line("Stopped serving.");
    Ok(ExitCode::SUCCESS)
}

/// Loads, checks and renders the HTML site, reusing `previous`'s unchanged pages; also
/// returns the number of findings.
fn build(
    root: &Path,
    config: &Config,
    previous: Option<&RenderedDocs>,
) -> anyhow::Result<(RenderedDocs, usize)> {
    let catalogue = crate::attack::catalogue(&config.attack_version)?;
    let check_options = CheckOptions {
        today: today(),
        only_files: None,
    };
    let (repository, content, report) = check::load_and_check(root, config, &check_options, None);
    let sources = Sources::new(&repository, &report);
    let mut problems: HashMap<String, Vec<PageProblem>> = HashMap::new();
    for finding in &report.findings {
        let (start, _) = sources.position(&finding.path, finding.span);
        problems
            .entry(crate::load::source::display_path(&finding.path))
            .or_default()
            .push(PageProblem {
                severity: finding.severity.as_str().to_owned(),
                code: finding.code.to_owned(),
                line: start.line as usize,
                column: start.column as usize,
                message: finding.message.clone(),
            });
    }
    let mut options = options(config, root, DocsFormat::Html, catalogue);
    options.problems = problems;
    let rendered = crate::docs::render_docs_reusing(&content, &repository, &options, previous)
        .context("cannot render the docs")?;
    Ok((rendered, report.findings.len()))
}

/// A file's size and modification time, as the watcher compares them.
type Stamp = (u64, Option<SystemTime>);

/// Every file a rebuild would read: the content and lookup files the loader reads, the
/// configuration and the repository's templates.
fn watched_files(root: &Path, config: &Config) -> BTreeMap<PathBuf, Stamp> {
    let (files, _) = crate::load::input_files(root, config.limits);
    let mut paths: Vec<PathBuf> = files.into_iter().map(|(_, path)| path).collect();
    paths.extend(["splforge.toml", "contentctl.yml"].map(PathBuf::from));
    let templates = root.join("templates");
    if templates.is_dir() {
        paths.extend(
            walkdir::WalkDir::new(&templates)
                .max_depth(4)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .filter_map(|e| e.path().strip_prefix(root).ok().map(Path::to_path_buf)),
        );
    }
    paths
        .into_iter()
        .filter_map(|path| {
            let meta = std::fs::metadata(root.join(&path)).ok()?;
            Some((path, (meta.len(), meta.modified().ok())))
        })
        .collect()
}

/// The files added, changed or removed between two looks.
fn changed_files(
    before: &BTreeMap<PathBuf, Stamp>,
    after: &BTreeMap<PathBuf, Stamp>,
) -> Vec<PathBuf> {
    let mut changed: Vec<PathBuf> = after
        .iter()
        .filter(|(path, stamp)| before.get(*path) != Some(stamp))
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(before.keys().filter(|p| !after.contains_key(*p)).cloned());
    changed
}

/// The watcher: looks for changed files every [`POLL`], rebuilds, and tells the pages.
fn watch(
    global: &GlobalArgs,
    mut config: Config,
    mut seen: BTreeMap<PathBuf, Stamp>,
    served: &Served,
    stop: &AtomicBool,
) {
    let mut last_keepalive = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(POLL);
        if last_keepalive.elapsed() >= KEEPALIVE {
            broadcast(served, ": keepalive\n\n");
            last_keepalive = Instant::now();
        }
        let now = watched_files(&global.root, &config);
        let changed = changed_files(&seen, &now);
        if changed.is_empty() {
            continue;
        }
        seen = now;
        if changed.iter().any(|p| p.as_os_str() == "splforge.toml") {
            match load_config(global) {
                Ok(new) => config = new,
                Err(e) => terminal::stderr_line(format!("error: {e:#} (kept the previous)")),
            }
        }
        rebuild(&global.root, &config, &changed, served);
    }
}

fn rebuild(root: &Path, config: &Config, changed: &[PathBuf], served: &Served) {
    let started = Instant::now();
    let previous = {
        let site = lock(&served.site);
        (site.rendered.clone(), site.version)
    };
    let (rendered, findings) = match build(root, config, Some(&previous.0)) {
        Ok(built) => built,
        Err(e) => {
            terminal::stderr_line(format!("error: {e:#} (still serving the previous site)"));
            return;
        }
    };
    let old: HashMap<&str, &str> = previous
        .0
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.contents.as_str()))
        .collect();
    let changed_pages: Vec<&str> = rendered
        .files
        .iter()
        .filter(|f| {
            f.path.ends_with(".html") && old.get(f.path.as_str()) != Some(&f.contents.as_str())
        })
        .map(|f| f.path.as_str())
        .collect();
    let names: Vec<String> = changed
        .iter()
        .take(3)
        .map(|p| crate::load::source::display_path(p))
        .collect();
    terminal::stderr_line(terminal::escape(&format!(
        "Changed {}{}: rendered {} of {} pages, {} changed, {findings} findings, in {:.0?}",
        names.join(", "),
        if changed.len() > 3 { ", ..." } else { "" },
        rendered.report.rendered,
        rendered
            .files
            .iter()
            .filter(|f| f.path.ends_with(".html"))
            .count(),
        changed_pages.len(),
        started.elapsed()
    )));
    let version = previous.1 + 1;
    let event = serde_json::json!({ "version": version, "changed": changed_pages });
    let message = format!("event: reload\ndata: {event}\n\n");
    *lock(&served.site) = Site::new(rendered, version);
    broadcast(served, &message);
}

/// Sends `message` to every open event stream, dropping those that are closed.
fn broadcast(served: &Served, message: &str) {
    lock(&served.streams).retain_mut(|stream| {
        stream.write_all(message.as_bytes()).is_ok() && stream.flush().is_ok()
    });
}

fn respond(request: tiny_http::Request, status: u16, content_type: &str, body: Vec<u8>) {
    let mut response = tiny_http::Response::from_data(body).with_status_code(status);
    for (name, value) in [
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
    ] {
        // Both are ASCII constants: the conversion does not fail.
        if let Ok(header) = tiny_http::Header::from_bytes(name, value) {
            response = response.with_header(header);
        }
    }
    // A client that went away is no error of ours.
    let _ = request.respond(response);
}

/// Answers one request: a page of the site, the reload script, or the event stream.
fn answer(request: tiny_http::Request, served: &Served, port: u16) {
    let allowed_hosts = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    // Pages only for this machine's names: a page elsewhere cannot reach the server
    // through a DNS name that resolves to 127.0.0.1.
    let host_ok = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .is_some_and(|h| allowed_hosts.iter().any(|a| h.value.as_str() == a));
    if !host_ok {
        return respond(request, 403, "text/plain", b"forbidden host\n".to_vec());
    }
    if !matches!(
        request.method(),
        tiny_http::Method::Get | tiny_http::Method::Head
    ) {
        return respond(request, 405, "text/plain", b"method not allowed\n".to_vec());
    }
    let url = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_owned();
    match url.as_str() {
        EVENTS_PATH => open_stream(request, served),
        SCRIPT_PATH => respond(
            request,
            200,
            "text/javascript; charset=utf-8",
            RELOAD_SCRIPT.as_bytes().to_vec(),
        ),
        _ => {
            let path = match url.trim_start_matches('/') {
                "" => "index.html".to_owned(),
                p if p.ends_with('/') => format!("{p}index.html"),
                p => p.to_owned(),
            };
            let page = {
                let site = lock(&served.site);
                site.by_path
                    .get(&path)
                    .map(|&i| (site.rendered.files[i].contents.clone(), site.version))
            };
            match page {
                Some((contents, version)) if path.ends_with(".html") => respond(
                    request,
                    200,
                    "text/html; charset=utf-8",
                    with_reload(&contents, version).into_bytes(),
                ),
                Some((contents, _)) => {
                    respond(request, 200, content_type(&path), contents.into_bytes())
                }
                None => respond(
                    request,
                    404,
                    "text/plain; charset=utf-8",
                    b"no such page\n".to_vec(),
                ),
            }
        }
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("md") => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A page with the reload script, which its Content-Security-Policy lets connect back.
fn with_reload(page: &str, version: u64) -> String {
    let page = page.replacen(
        "default-src 'none';",
        "default-src 'none'; connect-src 'self';",
        1,
    );
    let script = format!("<script src=\"{SCRIPT_PATH}\" data-version=\"{version}\"></script>\n");
    match page.rfind("</body>") {
        Some(at) => format!("{}{script}{}", &page[..at], &page[at..]),
        None => page + &script,
    }
}

/// Keeps the request's connection as an event stream; it first tells the page the site's
/// version, so a page served before a rebuild reloads.
fn open_stream(request: tiny_http::Request, served: &Served) {
    let version = lock(&served.site).version;
    let mut stream = request.into_writer();
    let opened = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
         Connection: keep-alive\r\n\r\nevent: version\ndata: {version}\n\n"
    )
    .and_then(|()| stream.flush());
    if opened.is_ok() {
        lock(&served.streams).push(stream);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes_become_web_addresses_without_credentials() {
        assert_eq!(
            web_address("git@github.com:splunk/security_content.git").as_deref(),
            Some("https://github.com/splunk/security_content")
        );
        assert_eq!(
            web_address("https://user:token@gitlab.example/sec/content.git").as_deref(),
            Some("https://gitlab.example/sec/content")
        );
        assert_eq!(web_address("/work/main"), None);
        assert_eq!(web_address("../content"), None);
    }

    #[test]
    fn pages_get_the_reload_script_and_may_connect_back() {
        let page = "<meta content=\"default-src 'none'; script-src 'self'\"><body>x</body>";
        let served = with_reload(page, 3);
        assert!(served.contains("default-src 'none'; connect-src 'self';"));
        assert!(served.contains("data-version=\"3\"></script>\n</body>"));
    }

    #[test]
    fn added_changed_and_removed_files_are_changes() {
        let stamp = |n| (n, None);
        let before: BTreeMap<PathBuf, Stamp> = [("a", stamp(1)), ("b", stamp(2))]
            .map(|(p, s)| (PathBuf::from(p), s))
            .into();
        let after: BTreeMap<PathBuf, Stamp> = [("a", stamp(1)), ("b", stamp(3)), ("c", stamp(1))]
            .map(|(p, s)| (PathBuf::from(p), s))
            .into();
        let mut changed = changed_files(&before, &after);
        changed.sort();
        assert_eq!(changed, [PathBuf::from("b"), PathBuf::from("c")]);
        let mut back = changed_files(&after, &before);
        back.sort();
        assert_eq!(back, [PathBuf::from("b"), PathBuf::from("c")]);
    }
}
