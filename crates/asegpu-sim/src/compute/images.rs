//! Images: from a blob (the VHD check) or a managed disk.

use super::*;

/// Check a VHD source URI as the device does. The blob endpoint (when present) checks the footer.
pub(super) fn check_vhd_uri(shared: &Shared, st: &State, uri: &str, gen2_ok: bool) -> Result<Option<u64>, Resp> {
    let Ok(u) = url::Url::parse(uri) else {
        return Err(bad("InvalidParameter", &format!("The blob URI '{uri}' is not a valid URI.")));
    };
    if !u.path().to_ascii_lowercase().ends_with(".vhd") {
        return Err(bad(
            "InvalidParameter",
            &format!("The blob '{uri}' is not a .vhd file. The image must be a fixed-size VHD (with the .vhd extension) from a Generation 1 VM."),
        ));
    }
    // The footer check (a valid fixed-disk footer of the blob's size, MiB aligned, Gen1: see
    // `blob::check_vhd` for what the device does and why) when the blob is on this device. A blob on an
    // account this device does not have (e.g. the sample parameter files' `sa1.blob.dbe-1dkphq2...`) is
    // accepted unchecked so that the sample templates deploy unchanged.
    match super::super::blob::lookup((&shared.cfg.device_name, &shared.cfg.dns_domain), st, &u) {
        None => Ok(None),
        Some(Err(m)) => Err(bad("InvalidParameter", &format!("Cannot use the VHD: {m}."))),
        Some(Ok(b)) => match super::super::blob::check_vhd(b, gen2_ok) {
            Ok(size) => Ok(Some(size)),
            // Azure's words for a blob without a valid VHD footer (see `check_vhd`), then why.
            Err(super::super::blob::VhdProblem::Footer(why)) => {
                let disk = u.path_segments().and_then(|mut s| s.next_back()).unwrap_or_default();
                let disk = percent_encoding::percent_decode_str(disk).decode_utf8_lossy();
                Err(bad(
                    "InvalidVhd",
                    &format!("The specified cookie value in VHD footer indicates that disk '{disk}' with blob {uri} is not a supported VHD. Disk is expected to have cookie value 'conectix'. ({why}.)"),
                ))
            }
            Err(super::super::blob::VhdProblem::Other(m)) => Err(bad(
                "InvalidParameter",
                &format!("The VHD '{uri}' cannot be used: {m}. The image must be a fixed-size VHD (with the .vhd extension) from a Generation 1 VM."),
            )),
        },
    }
}

pub(super) fn image(shared: &Shared, req: &Req, scope: &Scope) -> Resp {
    let id = scope.id(2);
    let name = scope.rest[1].clone();
    match req.method {
        Method::GET => {
            let st = shared.lock();
            match res::get(&st, &id) {
                Some(v) => json_resp(200, &res::public(v)),
                None => res::not_found(scope, IMAGE_TYPE, &name),
            }
        }
        Method::PUT => {
            let body = match req.json_body() {
                Ok(b) => b,
                Err(r) => return r,
            };
            let mut st = shared.lock();
            let existing = res::get(&st, &id).cloned();
            if let Err(r) = res::check_location(&body, existing.is_some()) {
                return r;
            }
            let od = &body["properties"]["storageProfile"]["osDisk"];
            let Some(os_type) = od["osType"].as_str().and_then(extension::OsType::parse) else {
                return bad(
                    "InvalidParameter",
                    "Required parameter 'storageProfile.osDisk.osType' is missing or not Windows/Linux.",
                );
            };
            let generation = body["properties"]["hyperVGeneration"].as_str().unwrap_or("V1").to_string();
            let mut size_gb = od["diskSizeGB"].as_u64();
            if let Some(uri) = od["blobUri"].as_str() {
                match check_vhd_uri(shared, &st, uri, generation.eq_ignore_ascii_case("V2")) {
                    Ok(Some(bytes)) => size_gb = size_gb.or(Some(bytes.div_ceil(1 << 30))),
                    Ok(None) => {}
                    Err(r) => return r,
                }
            } else if let Some(did) = od["managedDisk"]["id"].as_str() {
                let Some(d) = res::get(&st, did) else {
                    return arm_error(404, "NotFound", &format!("Disk '{did}' could not be found."));
                };
                let dgb = d["properties"]["diskSizeGB"].as_u64();
                if let (Some(want), Some(have)) = (size_gb, dgb) {
                    if want < have {
                        return bad(
                            "InvalidParameter",
                            &format!(
                                "The image disk size {want} GB is smaller than the source managed disk ({have} GB)."
                            ),
                        );
                    }
                }
                size_gb = size_gb.or(dgb);
            } else {
                return bad(
                    "InvalidParameter",
                    "The image OS disk needs a blobUri (a VHD page blob) or managedDisk.id.",
                );
            }
            let mut os_disk = od.clone();
            os_disk["osType"] = json!(os_type.as_str());
            if os_disk["osState"].is_null() {
                os_disk["osState"] = json!("Generalized");
            }
            if os_disk["caching"].is_null() {
                os_disk["caching"] = json!("ReadWrite");
            }
            if os_disk["storageAccountType"].is_null() {
                os_disk["storageAccountType"] = json!("Standard_LRS");
            }
            if let Some(gb) = size_gb {
                os_disk["diskSizeGB"] = json!(gb);
            }
            let stored_name = existing.as_ref().and_then(|e| e["name"].as_str().map(str::to_string)).unwrap_or(name);
            let img_id = res::rid(&scope.sub, scope.rg(), NS, &["images", &stored_name]);
            let mut props =
                json!({ "storageProfile": { "osDisk": os_disk, "dataDisks": [] }, "provisioningState": "Creating" });
            if body["properties"]["hyperVGeneration"].is_string() {
                props["hyperVGeneration"] = json!(generation);
            }
            let v = json!({
                "id": img_id, "name": stored_name, "type": IMAGE_TYPE, "location": device::LOCATION,
                "tags": body.get("tags").filter(|t| t.is_object()).cloned().unwrap_or(json!({})),
                "properties": props,
            });
            st.resources.insert(res::key(&img_id), v.clone());
            let op = start_op(
                shared,
                &mut st,
                "createImage",
                Effect::Provision { id: img_id, state: "Succeeded".into(), power: None, error: None },
                IMAGE_SECS,
            );
            res::created_async(shared, req, if existing.is_some() { 200 } else { 201 }, &v, &scope.sub, NS, &op)
        }
        Method::DELETE => {
            let mut st = shared.lock();
            let Some(v) = res::get(&st, &id).cloned() else { return super::super::http::empty(204) };
            let op = start_op(
                shared,
                &mut st,
                "deleteImage",
                Effect::DeleteResource { id: v["id"].as_str().unwrap_or(&id).to_string() },
                IMAGE_SECS / 2.0,
            );
            res::accepted_async(shared, req, &scope.sub, NS, &op)
        }
        _ => res::method_not_allowed(req),
    }
}
