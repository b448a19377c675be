//! Sub-merchants, before any card: the logo uploaded like card logos, the protocol
//! (and agreement, operator) scans uploaded as temporary media (`media/upload`) unless
//! the state holds an upload younger than 3 days (less a margin), then
//! `card/submerchant/submit` or `update`, journaled; an answer of 40007 (a media id
//! WeChat no longer knows) uploads the scans again and sends once more. The plan's
//! adoptions and the statuses it read are recorded too.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::{CardFailure, Executor, IfUnknown, Intent, local_failure, now};
use crate::config::images::{confined_image_path, resolve_image, sha256_hex};
use crate::model::wire::Resolved;
use crate::model::{ImageKind, ImageRef};
use crate::plan::Plan;
use crate::plan::sub_merchants::{SubMerchantAction, SubMerchantChange};
use crate::state::{Change, MediaRecord, OpKind, SubMerchantState};
use cardform_spec::submerchant::{INVALID_MEDIA_ERRCODE, MEDIA_MARGIN_SECS, MEDIA_TTL_SECS};

fn address(c: &SubMerchantChange) -> String {
    format!("sub-merchant {}", c.name)
}

impl Executor<'_> {
    /// Carries out the plan's sub-merchants; failures join the outcome's.
    pub(super) async fn apply_sub_merchants(&self, plan: &Plan) {
        for c in &plan.sub_merchants {
            if self.stopping() {
                break;
            }
            if let Err(f) = self.apply_sub_merchant(c).await {
                self.stop_if_run_ends(&f);
                if let Ok(mut r) = self.outcome.lock() {
                    r.failures.push(f);
                }
            }
        }
    }

    async fn apply_sub_merchant(&self, c: &SubMerchantChange) -> Result<(), CardFailure> {
        match c.action {
            SubMerchantAction::NoOp | SubMerchantAction::Adopt => {
                // What the plan read: the status (and, for an adoption, the id).
                let Some(id) = c.merchant_id else {
                    return Ok(());
                };
                let status = c.status.clone().unwrap_or_default();
                self.state.edit(|s| {
                    let entry = s.sub_merchants.get(&c.name).cloned();
                    let rec = SubMerchantState {
                        merchant_id: id,
                        status: status.clone(),
                        reason: entry.as_ref().and_then(|e| e.reason.clone()),
                        applied: entry.map_or_else(|| c.content.clone(), |e| e.applied),
                        updated_at: now(),
                    };
                    s.apply_change(&Change::PutSubMerchant {
                        name: c.name.clone(),
                        sub_merchant: rec,
                    });
                });
                Ok(())
            }
            SubMerchantAction::Create | SubMerchantAction::Update => self.send(c).await,
        }
    }

    async fn send(&self, c: &SubMerchantChange) -> Result<(), CardFailure> {
        let addr = address(c);
        let logo = self.sub_merchant_logo(c).await?;
        let mut media = self.sub_merchant_media(c, false).await?;
        let mut retried = false;
        loop {
            let info = info_body(c, &logo, &media);
            let (op_kind, operation) = match c.action {
                SubMerchantAction::Create => (OpKind::SubmitSubMerchant, "submit"),
                _ => (OpKind::UpdateSubMerchant, "update"),
            };
            let intent = Intent {
                op: op_kind,
                card_id: None,
                fingerprint: crate::model::Canonical::flatten(&c.content).hash(),
                detail: json!({ "sub_merchant": c.name, "content": c.content }),
            };
            let call = async {
                match c.action {
                    SubMerchantAction::Create => self.client.submit_sub_merchant(info).await,
                    _ => self.client.update_sub_merchant(info).await,
                }
            };
            // An interrupted submit is found again by the next plan (a live
            // sub-merchant of the same brand name is adopted), so it is not kept.
            match self
                .journaled(&addr, operation, intent, IfUnknown::Forget, call)
                .await
            {
                Ok((op, answer)) => {
                    let rec = SubMerchantState {
                        merchant_id: answer.merchant_id,
                        status: if answer.status.is_empty() {
                            cardform_spec::submerchant::CHECKING.to_string()
                        } else {
                            answer.status
                        },
                        reason: None,
                        applied: with_logo(&c.content, &logo),
                        updated_at: now(),
                    };
                    let change = Change::PutSubMerchant {
                        name: c.name.clone(),
                        sub_merchant: rec,
                    };
                    self.record_outcome(&addr, op, vec![change]).await?;
                    self.count(|r| r.sub_merchants_sent += 1);
                    return Ok(());
                }
                Err(f) if f.errcode == Some(INVALID_MEDIA_ERRCODE) && !retried => {
                    retried = true;
                    media = self.sub_merchant_media(c, true).await?;
                }
                Err(f) => return Err(f),
            }
        }
    }

    /// The logo's URL: uploaded now when the state has none for its bytes.
    async fn sub_merchant_logo(&self, c: &SubMerchantChange) -> Result<String, CardFailure> {
        let logo = &c.desired.logo_url;
        if let ImageKind::Local(p) = logo.kind()
            && let Some(img) = self.images.get(p)
            && !self.state.read(|s| s.images.contains_key(&img.sha256))
        {
            self.upload_one(img.clone()).await?;
        }
        let uploaded = self.state.read(|s| {
            s.images
                .iter()
                .map(|(k, v)| (k.clone(), v.url.clone()))
                .collect()
        });
        match resolve_image(logo, &self.images, &uploaded) {
            Resolved::Known(url) => Ok(url),
            Resolved::Pending(why) => Err(local_failure(
                &address(c),
                "upload_image",
                crate::i18n::tr!("apply-sm-logo-pending", why = why),
            )),
        }
    }

    /// The media ids to send, by `info` key: the state's when younger than 3 days
    /// (less a margin) and not `force`d, else uploaded now.
    async fn sub_merchant_media(
        &self,
        c: &SubMerchantChange,
        force: bool,
    ) -> Result<Map<String, Value>, CardFailure> {
        let mut out = Map::new();
        for (key, file) in c.desired.media() {
            let id = self.one_media(c, file, force).await?;
            out.insert(key.to_string(), json!(id));
        }
        Ok(out)
    }

    async fn one_media(
        &self,
        c: &SubMerchantChange,
        file: &ImageRef,
        force: bool,
    ) -> Result<String, CardFailure> {
        let addr = address(c);
        let ImageKind::Local(path) = file.kind() else {
            return Err(local_failure(
                &addr,
                "upload_media",
                crate::i18n::tr!("apply-sm-scan-local"),
            ));
        };
        let bytes = confined_image_path(self.root, path)
            .map_err(|e| local_failure(&addr, "upload_media", format!("{e} ({})", e.help())))
            .and_then(|full| {
                std::fs::read(&full).map_err(|e| {
                    local_failure(
                        &addr,
                        "upload_media",
                        crate::i18n::tr!(
                            "apply-image-unreadable",
                            path = path.to_string(),
                            error = e
                        ),
                    )
                })
            })?;
        let sha = sha256_hex(&bytes);
        let fresh_after = now() - (MEDIA_TTL_SECS - MEDIA_MARGIN_SECS);
        if !force
            && let Some(m) = self.state.read(|s| s.media.get(&sha).cloned())
            && m.uploaded_at > fresh_after
        {
            return Ok(m.media_id);
        }
        let file_name = Path::new(path)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("scan.jpg")
            .to_string();
        let intent = Intent {
            op: OpKind::UploadMedia,
            card_id: None,
            fingerprint: sha.clone(),
            detail: json!({ "file": path }),
        };
        let (op, uploaded) = self
            .journaled(
                &addr,
                "upload_media",
                intent,
                IfUnknown::Forget,
                self.client.upload_media("image", bytes, &file_name),
            )
            .await?;
        let change = Change::PutMedia {
            sha256: sha,
            media: MediaRecord {
                media_id: uploaded.media_id.clone(),
                file: path.to_string(),
                uploaded_at: now(),
            },
        };
        self.record_outcome(&addr, op, vec![change]).await?;
        Ok(uploaded.media_id)
    }
}

/// The recorded content with the logo as the URL it was sent as.
fn with_logo(content: &Value, logo: &str) -> Value {
    let mut v = content.clone();
    v["logo_url"] = json!(logo);
    v
}

/// The `info` object of submit / update.
fn info_body(c: &SubMerchantChange, logo: &str, media: &Map<String, Value>) -> Value {
    let d = &c.desired;
    let mut info = json!({
        "brand_name": d.brand_name.as_str(),
        "logo_url": logo,
        "end_time": d.end_time.seconds(),
        "primary_category_id": d.primary_category_id,
        "secondary_category_id": d.secondary_category_id,
    });
    if let Some(obj) = info.as_object_mut() {
        if let Some(app_id) = &d.app_id {
            obj.insert("app_id".into(), json!(app_id));
        }
        for (k, v) in media {
            obj.insert(k.clone(), v.clone());
        }
        if c.action == SubMerchantAction::Update
            && let Some(id) = c.merchant_id
        {
            obj.insert("merchant_id".into(), json!(id));
        }
    }
    info
}
