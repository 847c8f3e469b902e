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

/// `Microsoft.Compute/images`.
pub(super) struct Images;

impl res::Stored for Images {
    const TYPE: &'static str = IMAGE_TYPE;

    fn put(call: &res::Call, st: &mut State, body: Value, existing: Option<Value>) -> Resp {
        let od = &body["properties"]["storageProfile"]["osDisk"];
        let Some(os_type) = od["osType"].as_str().and_then(extension::OsType::parse) else {
            return bad(
                "InvalidParameter",
                "Required parameter 'storageProfile.osDisk.osType' is missing or not Windows/Linux.",
            );
        };
        let generation = body["properties"]["hyperVGeneration"].as_str().unwrap_or("V1").to_string();
        let size_gb = match source_size_gb(call.shared, st, od, generation.eq_ignore_ascii_case("V2")) {
            Ok(gb) => gb,
            Err(r) => return r,
        };
        let stored_name =
            existing.as_ref().and_then(|e| e["name"].as_str().map(str::to_string)).unwrap_or(call.name.clone());
        let img_id = res::rid(&call.scope.sub, call.scope.rg(), NS, &["images", &stored_name]);
        let mut props = json!({ "storageProfile": { "osDisk": os_disk(od, os_type, size_gb), "dataDisks": [] }, "provisioningState": "Creating" });
        if body["properties"]["hyperVGeneration"].is_string() {
            props["hyperVGeneration"] = json!(generation);
        }
        let v = json!({
            "id": img_id, "name": stored_name, "type": IMAGE_TYPE, "location": device::LOCATION,
            "tags": body.get("tags").filter(|t| t.is_object()).cloned().unwrap_or(json!({})),
            "properties": props,
        });
        st.resources.insert(res::key(&img_id), v.clone());
        let effect = Effect::Provision { id: img_id, state: "Succeeded".into(), power: None, error: None };
        let op = start_op(call.shared, st, "createImage", effect, IMAGE_SECS);
        let status = if existing.is_some() { 200 } else { 201 };
        res::created_async(call.shared, call.req, status, &v, &call.scope.sub, NS, &op)
    }

    fn delete(call: &res::Call, st: &mut State, stored: Value) -> Resp {
        let effect = Effect::DeleteResource { id: stored["id"].as_str().unwrap_or(&call.id).to_string() };
        let op = start_op(call.shared, st, "deleteImage", effect, IMAGE_SECS / 2.0);
        res::accepted_async(call.shared, call.req, &call.scope.sub, NS, &op)
    }
}

/// The image's size in GB from its source: a VHD blob (checked as the device does) or a managed disk
/// (which the image may not be smaller than). None when neither says.
fn source_size_gb(shared: &Shared, st: &State, od: &Value, gen2_ok: bool) -> Result<Option<u64>, Resp> {
    let size_gb = od["diskSizeGB"].as_u64();
    if let Some(uri) = od["blobUri"].as_str() {
        let bytes = check_vhd_uri(shared, st, uri, gen2_ok)?;
        return Ok(size_gb.or(bytes.map(|b| b.div_ceil(1 << 30))));
    }
    let Some(did) = od["managedDisk"]["id"].as_str() else {
        return Err(bad("InvalidParameter", "The image OS disk needs a blobUri (a VHD page blob) or managedDisk.id."));
    };
    let Some(d) = res::get(st, did) else {
        return Err(arm_error(404, "NotFound", &format!("Disk '{did}' could not be found.")));
    };
    let dgb = d["properties"]["diskSizeGB"].as_u64();
    if let (Some(want), Some(have)) = (size_gb, dgb) {
        if want < have {
            return Err(bad(
                "InvalidParameter",
                &format!("The image disk size {want} GB is smaller than the source managed disk ({have} GB)."),
            ));
        }
    }
    Ok(size_gb.or(dgb))
}

/// The image's OS disk as stored: the request's, with the device's defaults filled in.
fn os_disk(od: &Value, os_type: extension::OsType, size_gb: Option<u64>) -> Value {
    let mut os_disk = od.clone();
    os_disk["osType"] = json!(os_type.as_str());
    for (key, default) in [("osState", "Generalized"), ("caching", "ReadWrite"), ("storageAccountType", "Standard_LRS")]
    {
        if os_disk[key].is_null() {
            os_disk[key] = json!(default);
        }
    }
    if let Some(gb) = size_gb {
        os_disk["diskSizeGB"] = json!(gb);
    }
    os_disk
}
