//! The broker layer's one error enum, mapped to AMQP reply codes.

use thiserror::Error;

/// An error the broker answers a method with. Channel errors (4xx) close the channel;
/// connection errors (5xx) close the connection.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BrokerError {
    /// 404: the named exchange or queue does not exist.
    #[error("NOT_FOUND - {0}")]
    NotFound(String),
    /// 403: the operation is not allowed on this object (default exchange, `amq.*`, internal).
    #[error("ACCESS_REFUSED - {0}")]
    AccessRefused(String),
    /// 405: the queue is exclusive to another connection.
    #[error("RESOURCE_LOCKED - {0}")]
    ResourceLocked(String),
    /// 406: inequivalent redeclare, invalid argument, unknown delivery tag, if-unused/if-empty.
    #[error("PRECONDITION_FAILED - {0}")]
    PreconditionFailed(String),
    /// 503: a method that is invalid in this state (connection error).
    #[error("COMMAND_INVALID - {0}")]
    CommandInvalid(String),
    /// 530: not allowed (connection error).
    #[error("NOT_ALLOWED - {0}")]
    NotAllowed(String),
}

impl BrokerError {
    /// The AMQP reply code.
    pub fn reply_code(&self) -> u16 {
        match self {
            BrokerError::NotFound(_) => 404,
            BrokerError::AccessRefused(_) => 403,
            BrokerError::ResourceLocked(_) => 405,
            BrokerError::PreconditionFailed(_) => 406,
            BrokerError::CommandInvalid(_) => 503,
            BrokerError::NotAllowed(_) => 530,
        }
    }

    /// The reply text up to " - " (e.g. `NOT_FOUND`), as the conformance outcome records it.
    pub fn reply_text(&self) -> &'static str {
        match self {
            BrokerError::NotFound(_) => "NOT_FOUND",
            BrokerError::AccessRefused(_) => "ACCESS_REFUSED",
            BrokerError::ResourceLocked(_) => "RESOURCE_LOCKED",
            BrokerError::PreconditionFailed(_) => "PRECONDITION_FAILED",
            BrokerError::CommandInvalid(_) => "COMMAND_INVALID",
            BrokerError::NotAllowed(_) => "NOT_ALLOWED",
        }
    }

    /// Whether this closes the whole connection (5xx) rather than just the channel.
    pub fn is_connection_error(&self) -> bool {
        self.reply_code() >= 500
    }
}
