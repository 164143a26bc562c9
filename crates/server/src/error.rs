//! The one error shape of the API: a stable machine `code`, a status that fits, a message in the
//! caller's language, optional per-field errors and details, and the request id.
//!
//! Handlers return [`AppError`]; its `IntoResponse` stores the error in the response's extensions
//! and the `render_errors` middleware (which knows the language and request id) writes the body.

use std::borrow::Cow;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::i18n::Lang;

/// Text in both languages the API speaks.
#[derive(Debug, Clone)]
pub struct Text {
    pub zh: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Text {
    /// Text from two fixed strings.
    pub const fn fixed(zh: &'static str, en: &'static str) -> Self {
        Text {
            zh: Cow::Borrowed(zh),
            en: Cow::Borrowed(en),
        }
    }
    /// Text from two formatted strings.
    pub fn owned(zh: String, en: String) -> Self {
        Text {
            zh: Cow::Owned(zh),
            en: Cow::Owned(en),
        }
    }
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// One invalid input field.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub text: Text,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, text: Text) -> Self {
        FieldError {
            field: field.into(),
            code,
            text,
        }
    }
}

/// An API failure.
#[derive(Debug, Clone)]
pub struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    pub text: Text,
    pub fields: Vec<FieldError>,
    pub details: Option<Value>,
}

/// The JSON body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine code, e.g. `auth.invalid_credentials`.
    pub code: String,
    /// Human message in the language of `Accept-Language`.
    pub message: String,
    /// Per-field problems where input was invalid.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldErrorBody>,
    /// Extra machine-readable facts (e.g. `locked_until`, rejected rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
    /// The request id, also in the `x-request-id` header.
    pub request_id: String,
}

/// One invalid field in an [`ErrorBody`].
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub code: String,
    pub message: String,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, text: Text) -> Self {
        AppError {
            status,
            code,
            text,
            fields: Vec::new(),
            details: None,
        }
    }
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }
    pub fn with_field(mut self, field: FieldError) -> Self {
        self.fields.push(field);
        self
    }

    pub fn bad_request(code: &'static str, text: Text) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, text)
    }
    pub fn not_found(code: &'static str, text: Text) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, text)
    }
    pub fn conflict(code: &'static str, text: Text) -> Self {
        Self::new(StatusCode::CONFLICT, code, text)
    }
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            Text::fixed("您没有执行此操作的权限", "You are not allowed to do this"),
        )
    }
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "auth.unauthenticated",
            Text::fixed("请先登录", "Please sign in first"),
        )
    }
    /// Invalid input with one or more field errors (422).
    pub fn validation(fields: Vec<FieldError>) -> Self {
        AppError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation_failed",
            text: Text::fixed(
                "提交的内容有误，请检查标出的字段",
                "Some fields are invalid; please check them",
            ),
            fields,
            details: None,
        }
    }
    /// One invalid field (422).
    pub fn invalid_field(field: &str, code: &'static str, text: Text) -> Self {
        Self::validation(vec![FieldError::new(field, code, text)])
    }
    /// The generic failure for bugs and outages; the cause goes to the log, never to the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            Text::fixed(
                "服务器内部错误，请稍后重试",
                "Internal server error; please try again later",
            ),
        )
    }

    /// Renders the body in `lang`.
    pub fn body(&self, lang: Lang, request_id: &str) -> ErrorBody {
        ErrorBody {
            code: self.code.to_string(),
            message: self.text.get(lang).to_string(),
            fields: self
                .fields
                .iter()
                .map(|f| FieldErrorBody {
                    field: f.field.clone(),
                    code: f.code.to_string(),
                    message: f.text.get(lang).to_string(),
                })
                .collect(),
            details: self.details.clone(),
            request_id: request_id.to_string(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = self.status.into_response();
        res.extensions_mut().insert(self);
        res
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        if let Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) = e.sql_err() {
            return AppError::conflict(
                "conflict.duplicate",
                Text::fixed("该记录已存在", "This record already exists"),
            );
        }
        AppError::internal(e)
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(e: sea_orm::TransactionError<AppError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::internal(format!("{e:#}"))
    }
}
