//! The native HTTP/1.1 client under `fetch`: a sans-I/O exchange (`exchange`, `decode`) driven
//! over connections on the reactor (`connection`, opened by `dial`), reused through a keep-alive
//! pool per origin (`pool`), through a proxy when the environment names one (`proxy`). `fetch`
//! is one request's exchange, the resource JS holds. Nothing here knows about JS; redirects,
//! `Request`/`Response` and abort signals are the JS half's (api/js/fetch.js).

pub mod connection;
pub mod decode;
pub mod dial;
pub mod error;
pub mod exchange;
pub mod fetch;
pub mod pool;
pub mod proxy;
