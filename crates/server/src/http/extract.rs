//! Body and query extractors whose rejections use the one error shape.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::{AppError, Text};

/// JSON body; malformed JSON, wrong types and unknown fields answer 400/415/413 in our shape.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(e) => Err(json_rejection(e)),
        }
    }
}

fn json_rejection(e: JsonRejection) -> AppError {
    match e {
        JsonRejection::MissingJsonContentType(_) => AppError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request.content_type",
            Text::fixed(
                "请求体必须是 JSON（Content-Type: application/json）",
                "The body must be JSON (Content-Type: application/json)",
            ),
        ),
        JsonRejection::JsonDataError(err) => AppError::bad_request(
            "request.invalid_json",
            Text::owned(
                format!("请求内容不符合要求：{}", err.body_text()),
                format!("Invalid request body: {}", err.body_text()),
            ),
        ),
        JsonRejection::JsonSyntaxError(_) => AppError::bad_request(
            "request.malformed_json",
            Text::fixed("请求体不是合法的 JSON", "The body is not valid JSON"),
        ),
        JsonRejection::BytesRejection(_) => AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too_large",
            Text::fixed("请求体过大", "The request body is too large"),
        ),
        other => AppError::bad_request(
            "request.invalid",
            Text::owned(
                format!("请求无效：{}", other.body_text()),
                format!("Invalid request: {}", other.body_text()),
            ),
        ),
    }
}

/// Query string.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Query(v)),
            Err(e) => Err(query_rejection(e)),
        }
    }
}

fn query_rejection(e: QueryRejection) -> AppError {
    AppError::bad_request(
        "request.invalid_query",
        Text::owned(
            format!("查询参数无效：{}", e.body_text()),
            format!("Invalid query parameters: {}", e.body_text()),
        ),
    )
}

/// Path parameters (ids are UUIDs; anything else is a 400).
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(e) => Err(path_rejection(e)),
        }
    }
}

fn path_rejection(_: PathRejection) -> AppError {
    AppError::bad_request(
        "request.invalid_id",
        Text::fixed("路径中的编号无效", "Invalid id in the path"),
    )
}
