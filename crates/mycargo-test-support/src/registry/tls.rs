//! HTTPS for the test registry: a private certificate authority made for
//! one test run, and the server side of TLS over a plain socket.
//!
//! The authority is not in any trust store: a test decides where it goes
//! (a system-style bundle named by `SSL_CERT_FILE`, or `http.cainfo`), the
//! way a company's TLS-inspecting proxy's root lives only in its machines'
//! system store.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, SanType};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// A private CA and a server certificate it signed for `127.0.0.1` and
/// `localhost`.
#[derive(Debug)]
pub struct TestCa {
    /// The CA certificate, PEM.
    pub ca_pem: String,
    pub(crate) server: Arc<ServerConfig>,
}

impl TestCa {
    pub fn new() -> TestCa {
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "mycargo test private root CA");
        let ca_cert = ca_params.self_signed(&ca_key).expect("self-sign the CA");
        let ca_issuer = rcgen::Issuer::new(ca_params, ca_key);

        let key = KeyPair::generate().expect("server key");
        let mut params =
            CertificateParams::new(vec!["localhost".to_string()]).expect("server params");
        params
            .subject_alt_names
            .push(SanType::IpAddress([127, 0, 0, 1].into()));
        let cert = params
            .signed_by(&key, &ca_issuer)
            .expect("sign the server cert");

        let chain = vec![
            CertificateDer::from(cert.der().to_vec()),
            CertificateDer::from(ca_cert.der().to_vec()),
        ];
        let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(chain, der)
            .expect("server certificate");
        TestCa {
            ca_pem: ca_cert.pem(),
            server: Arc::new(server),
        }
    }
}

impl Default for TestCa {
    fn default() -> Self {
        TestCa::new()
    }
}

/// One accepted connection, plain or TLS.
pub(crate) enum Conn {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Conn {
    pub fn new(sock: TcpStream, tls: Option<&Arc<ServerConfig>>) -> io::Result<Conn> {
        match tls {
            None => Ok(Conn::Plain(sock)),
            Some(cfg) => {
                let conn = ServerConnection::new(cfg.clone()).map_err(io::Error::other)?;
                Ok(Conn::Tls(Box::new(StreamOwned::new(conn, sock))))
            }
        }
    }

    pub fn shutdown(&mut self) {
        let sock = match self {
            Conn::Plain(s) => s,
            Conn::Tls(s) => {
                s.conn.send_close_notify();
                let _ = s.flush();
                &s.sock
            }
        };
        let _ = sock.shutdown(std::net::Shutdown::Both);
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}
