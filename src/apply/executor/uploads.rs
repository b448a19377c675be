//! Local images: uploaded once before the cards that show them, journaled, and
//! resolved to their WeChat URLs for the cards' bodies.

use super::{CardFailure, Executor, IfUnknown, Intent, local_failure, now};
use crate::config::images::{LocalImage, confined_image_path, resolve_image, sha256_hex};
use crate::model::ImageRef;
use crate::model::wire::{Resolve, Resolved};
use crate::plan::{Action, ResourceChange};
use crate::state::{Change, ImageRecord, OpKind};
use futures::StreamExt;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;

pub(super) struct ApplyResolver<'a> {
    pub(super) exec: &'a Executor<'a>,
}

impl Resolve for ApplyResolver<'_> {
    fn image_url(&self, image: &ImageRef) -> Resolved {
        let uploaded: BTreeMap<String, String> = self.exec.state.read(|s| {
            s.images
                .iter()
                .map(|(k, v)| (k.clone(), v.url.clone()))
                .collect()
        });
        resolve_image(image, &self.exec.images, &uploaded)
    }
    fn card_id(&self, address: &str) -> Resolved {
        match self
            .exec
            .state
            .read(|s| s.resources.get(address).map(|r| r.card_id.clone()))
        {
            Some(id) => Resolved::Known(id),
            None => Resolved::Pending(format!("card_id of {address}")),
        }
    }
    fn merchant_id(&self, name: &str) -> Resolved {
        match self
            .exec
            .state
            .read(|s| s.sub_merchants.get(name).map(|m| m.merchant_id))
        {
            Some(id) => Resolved::Known(id.to_string()),
            None => Resolved::Pending(crate::model::wire::merchant_pending(name)),
        }
    }
}

impl<'a> Executor<'a> {
    pub(super) async fn upload_images(&self, changing: &[&ResourceChange]) {
        let mut needed: BTreeMap<String, LocalImage> = BTreeMap::new();
        for rc in changing {
            if matches!(rc.action, Action::Delete | Action::Stock) {
                continue;
            }
            for (_, img) in rc.desired.iter().flat_map(|c| c.images()) {
                if let crate::model::ImageKind::Local(p) = img.kind()
                    && let Some(h) = self.images.get(p)
                {
                    let known = self.state.read(|s| s.images.contains_key(&h.sha256));
                    if !known {
                        needed.insert(h.sha256.clone(), h.clone());
                    }
                }
            }
        }
        let results: Vec<Result<(), CardFailure>> =
            futures::stream::iter(needed.into_values().map(|img| self.upload_one(img)))
                .buffer_unordered(self.opts.parallelism.max(1))
                .collect()
                .await;
        let failures: Vec<CardFailure> = results.into_iter().filter_map(Result::err).collect();
        for f in &failures {
            self.stop_if_run_ends(f);
        }
        if let Ok(mut r) = self.outcome.lock() {
            r.failures.extend(failures);
        }
    }

    pub(super) async fn upload_one(&self, img: LocalImage) -> Result<(), CardFailure> {
        if self.stopping() {
            return Ok(());
        }
        let addr = format!("image {}", img.path);
        // Defence in depth: a saved plan names its images; read none outside the project.
        let bytes = confined_image_path(self.root, &img.path)
            .map_err(|e| local_failure(&addr, "upload_image", format!("{e} ({})", e.help())))
            .and_then(|full| {
                std::fs::read(&full).map_err(|e| {
                    local_failure(
                        &addr,
                        "upload_image",
                        crate::i18n::tr!("apply-image-unreadable", path = img.path, error = e),
                    )
                })
            })?;
        if sha256_hex(&bytes) != img.sha256 {
            return Err(local_failure(
                &addr,
                "upload_image",
                crate::i18n::tr!("apply-image-changed", path = img.path),
            ));
        }
        let file_name = Path::new(&img.path)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("image.jpg")
            .to_string();
        let intent = Intent {
            op: OpKind::UploadImage,
            card_id: None,
            fingerprint: img.sha256.clone(),
            detail: json!({ "file": img.path }),
        };
        // An upload whose outcome is unknown costs nothing to repeat: forget it.
        let (op, url) = self
            .journaled(
                &addr,
                "upload_image",
                intent,
                IfUnknown::Forget,
                self.client.upload_image(bytes, &file_name),
            )
            .await?;
        let change = Change::PutImage {
            sha256: img.sha256.clone(),
            image: ImageRecord {
                url,
                file: img.path.clone(),
                uploaded_at: now(),
            },
        };
        self.record_outcome(&addr, op, vec![change]).await?;
        self.count(|r| r.images_uploaded += 1);
        Ok(())
    }
}
