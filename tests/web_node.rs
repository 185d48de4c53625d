//! Core tests compiled to wasm32 and run in Node by wasm-bindgen-test: the broker model must
//! behave the same in the browser build as natively.
#![cfg(target_arch = "wasm32")]

use warren::broker::BrokerError;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn broker_errors_keep_their_amqp_reply_codes_on_wasm() {
    let cases = [
        (
            BrokerError::NotFound("no queue 'q'".into()),
            404,
            "NOT_FOUND",
            false,
        ),
        (
            BrokerError::AccessRefused("x".into()),
            403,
            "ACCESS_REFUSED",
            false,
        ),
        (
            BrokerError::ResourceLocked("x".into()),
            405,
            "RESOURCE_LOCKED",
            false,
        ),
        (
            BrokerError::PreconditionFailed("x".into()),
            406,
            "PRECONDITION_FAILED",
            false,
        ),
        (
            BrokerError::CommandInvalid("x".into()),
            503,
            "COMMAND_INVALID",
            true,
        ),
        (
            BrokerError::NotAllowed("x".into()),
            530,
            "NOT_ALLOWED",
            true,
        ),
    ];
    for (err, code, text, connection) in cases {
        assert_eq!(err.reply_code(), code, "{err}");
        assert_eq!(err.reply_text(), text);
        assert_eq!(err.is_connection_error(), connection);
        assert!(err.to_string().starts_with(text), "{err}");
    }
}
