//! The TLS stack behind the default HTTP client, chosen by cargo feature (`rustls` by default,
//! or `native-tls`).
//!
//! reqwest's own `rustls` feature brings aws-lc-rs, whose C build dominates a consumer's cold
//! build; we enable rustls without a provider and hand reqwest a finished rustls configuration
//! with ring. The configuration is passed per client, never installed as the process-wide
//! default provider, so an application's own `CryptoProvider::install_default` still succeeds.

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
compile_error!(
    "openapi-sdk-runtime needs a TLS backend: enable its feature `rustls` (the default) or `native-tls`"
);

use crate::auth::ConfigError;

/// A `reqwest::ClientBuilder` with this crate's TLS backend already configured.
///
/// Start from this when passing your own client to
/// [`ClientConfig::http_client`](crate::ClientConfig::http_client) (proxies, extra headers):
/// with the `rustls` feature, `reqwest::Client::new()` has no crypto provider to use and reqwest
/// panics, unless the application installed one itself.
#[cfg_attr(docsrs, doc(cfg(any(feature = "rustls", feature = "native-tls"))))]
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, ConfigError> {
    backend(reqwest::Client::builder())
}

#[cfg(feature = "rustls")]
fn backend(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, ConfigError> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|config| config.with_platform_verifier())
        .map_err(|e| ConfigError::Http(format!("TLS set-up failed: {e}")))?
        .with_no_client_auth();
    Ok(builder.tls_backend_preconfigured(tls))
}

#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
fn backend(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, ConfigError> {
    Ok(builder.tls_backend_native())
}

#[cfg(all(test, any(feature = "rustls", feature = "native-tls")))]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Against a real TLS server with a self-signed certificate, whichever backend is compiled in
    /// completes the key exchange (the certificate travels encrypted in TLS 1.3) and then refuses
    /// the certificate: the crypto provider works and verification is on.
    #[tokio::test]
    async fn an_untrusted_certificate_is_refused_after_the_key_exchange() {
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert.cert.der().clone()], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server_side = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            acceptor.accept(stream).await.map(|_| ())
        });

        let client = http_client_builder().unwrap().build().unwrap();
        let err = client
            .get(format!("https://localhost:{port}/"))
            .send()
            .await
            .unwrap_err();
        let mut chain = Vec::new();
        let mut source: Option<&dyn std::error::Error> = Some(&err);
        while let Some(e) = source {
            chain.push(e.to_string());
            source = e.source();
        }
        let chain = chain.join(": ").to_lowercase();
        assert!(
            chain.contains("certificate"),
            "expected a certificate error, got: {chain}"
        );

        // The server saw a handshake that the client aborted, not a plaintext request.
        let served = server_side.await.unwrap();
        let alert = served.expect_err("the client must not accept the certificate");
        assert!(
            alert.to_string().to_lowercase().contains("alert"),
            "expected the client's alert, got: {alert}"
        );
    }
}
