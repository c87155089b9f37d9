//! Load benchmark (run once, not a test): 10,000 GETs at concurrency 32 against a fast in-process upstream stub,
//! first straight to the stub, then through the gateway; prints requests per second, p50 and p99 latency of each
//! and what the gateway adds. Both runs share one tokio runtime and the machine's cores with the client.
//!
//! `cargo run --release -p unleashed-signer-gateway --example load -- [REQUESTS] [CONCURRENCY] [DELAY_MS] 2>/dev/null`
//! (stderr carries the gateway's log lines, one per request). With DELAY_MS the stub waits that long before each
//! answer, as a real upstream across a network does: then the gateway's own cost shows as added latency only.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use unleashed_signer::{ApiId, ClientType, KeyFormat, SignedForm, SigningKey};
use unleashed_signer_gateway::args::Args;
use unleashed_signer_gateway::credentials::Credentials;
use unleashed_signer_gateway::{Config, Gateway, serve};

const BODY: &str = r#"{"Pagination":{"NumberOfItems":1,"PageSize":200,"PageNumber":1,"NumberOfPages":1},"Items":[{"CustomerCode":"ACME","CustomerName":"Acme & Sons"}]}"#;

/// A stub that answers every request after `delay` with a small JSON body.
async fn stub(delay: Duration) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = service_fn(move |_request: Request<hyper::body::Incoming>| async move {
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(BODY.as_bytes()))))
                });
                let _ =
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    addr
}

/// The gateway in front of `upstream`, on a free port.
async fn gateway(upstream: SocketAddr) -> SocketAddr {
    let args = <Args as clap::Parser>::parse_from([
        "unleashed-gateway",
        "--listen",
        "127.0.0.1:0",
        "--upstream",
        &format!("http://{upstream}"),
    ]);
    let config = Config::from_args(&args).unwrap();
    let mut key = Box::new(SigningKey::empty());
    key.load(
        b"ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==",
        KeyFormat::Text,
    )
    .unwrap();
    let credentials = Credentials {
        api_id: ApiId::parse("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d").unwrap(),
        client_type: ClientType::parse("acme/loadtest").unwrap(),
        key,
    };
    assert_eq!(config.form, SignedForm::Decoded);
    let listener = TcpListener::bind(config.listen).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let gateway = Gateway::new(config, credentials).unwrap();
    tokio::spawn(serve(gateway, listener, std::future::pending()));
    addr
}

struct Run {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

/// `requests` GETs of `/Customers?customerCode=ACME` to `addr`, `concurrency` at a time over kept-alive connections.
async fn run(addr: SocketAddr, requests: usize, concurrency: usize) -> Run {
    let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let client = Arc::new(client);
    let url: hyper::Uri = format!("http://{addr}/Customers?customerCode=ACME").parse().unwrap();
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let (client, url) = (client.clone(), url.clone());
        let count = requests / concurrency + usize::from(worker < requests % concurrency);
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(count);
            for _ in 0..count {
                let sent = Instant::now();
                let request = Request::get(url.clone()).body(Full::new(Bytes::new())).unwrap();
                let response = client.request(request).await.expect("a response");
                assert!(response.status().is_success(), "{}", response.status());
                let body = response.into_body().collect().await.unwrap().to_bytes();
                assert_eq!(body.len(), BODY.len());
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::with_capacity(requests);
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Run { per_second: requests as f64 / elapsed.as_secs_f64(), p50: at(0.50), p99: at(0.99) }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let requests: usize = args.next().map_or(10_000, |a| a.parse().expect("REQUESTS"));
    let concurrency: usize = args.next().map_or(32, |a| a.parse().expect("CONCURRENCY"));
    let delay = Duration::from_millis(args.next().map_or(0, |a| a.parse().expect("DELAY_MS")));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let upstream = stub(delay).await;
        let gateway = gateway(upstream).await;
        // Warm-up: connections opened and pooled on both paths.
        run(upstream, 1000, concurrency).await;
        run(gateway, 1000, concurrency).await;
        let direct = run(upstream, requests, concurrency).await;
        let through = run(gateway, requests, concurrency).await;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let cores = std::thread::available_parallelism().map_or(0, usize::from);
        println!("{requests} GETs at concurrency {concurrency}, stub delay {} ms, {cores} cores", delay.as_millis());
        println!("| path | requests/s | p50 ms | p99 ms |");
        println!("|---|---:|---:|---:|");
        for (name, run) in [("stub directly", &direct), ("through the gateway", &through)] {
            println!("| {name} | {:.0} | {:.3} | {:.3} |", run.per_second, ms(run.p50), ms(run.p99));
        }
        println!(
            "gateway: {:.1}% of direct throughput; added p50 {:.3} ms, added p99 {:.3} ms",
            through.per_second / direct.per_second * 100.0,
            ms(through.p50.saturating_sub(direct.p50)),
            ms(through.p99.saturating_sub(direct.p99)),
        );
    });
}
