//! `cargo:libsecret`: tokens kept by the desktop's secret service through
//! libsecret, loaded at run time (`libsecret-1.so.0`) as cargo loads it,
//! under cargo's schema (`org.rust-lang.cargo.registry`, attribute `url`
//! = the index URL), so cargo and mycargo share what is stored.
//!
//! The one place mycargo calls C: libsecret is a system library loaded
//! only when this provider is configured (linking it would make every
//! mycargo depend on it), so its functions are found with `dlsym`.
#![allow(unsafe_code)]

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::sync::OnceLock;

use anyhow::{Context as _, anyhow};

use super::{Action, CacheControl, ProviderError, RegistryInfo, Reply};

const SONAME: &str = "libsecret-1.so.0";
const SCHEMA_NAME: &CStr = c"org.rust-lang.cargo.registry";

#[repr(C)]
struct SchemaAttribute {
    name: *const c_char,
    kind: c_int,
}

/// libsecret's `SecretSchema` (public fields, then the reserved ones).
#[repr(C)]
struct Schema {
    name: *const c_char,
    flags: c_int,
    attributes: [SchemaAttribute; 32],
    reserved: c_int,
    reserved_ptrs: [*mut c_void; 7],
}

#[repr(C)]
struct GError {
    domain: u32,
    code: c_int,
    message: *const c_char,
}

type Lookup =
    unsafe extern "C" fn(*const Schema, *mut c_void, *mut *mut GError, ...) -> *mut c_char;
type Store = unsafe extern "C" fn(
    *const Schema,
    *const c_char,
    *const c_char,
    *const c_char,
    *mut c_void,
    *mut *mut GError,
    ...
) -> c_int;
type Clear = unsafe extern "C" fn(*const Schema, *mut c_void, *mut *mut GError, ...) -> c_int;

/// The loaded library's handle (kept for the process, as cargo keeps it).
struct Library(usize);

static LIBRARY: OnceLock<Result<Library, String>> = OnceLock::new();

/// Load libsecret, or cargo's error saying what to install.
pub fn load() -> anyhow::Result<()> {
    let loaded = LIBRARY.get_or_init(|| {
        let name = CString::new(SONAME).map_err(|e| e.to_string())?;
        // SAFETY: dlopen with a valid C string; the handle is never closed.
        let handle = unsafe { libc::dlopen(name.as_ptr(), libc::RTLD_LAZY) };
        if handle.is_null() {
            return Err(dlerror());
        }
        Ok(Library(handle as usize))
    });
    match loaded {
        Ok(_) => Ok(()),
        Err(why) => Err(anyhow!("{why}")
            .context("dlopen failed")
            .context("failed to load libsecret: try installing the `libsecret` or `libsecret-1-0` package with the system package manager")),
    }
}

fn dlerror() -> String {
    // SAFETY: dlerror returns a thread-local C string or null.
    let msg = unsafe { libc::dlerror() };
    if msg.is_null() {
        return "unknown error".to_string();
    }
    // SAFETY: non-null, NUL-terminated, valid until the next dl call.
    unsafe { CStr::from_ptr(msg) }
        .to_string_lossy()
        .into_owned()
}

fn symbol(name: &CStr) -> anyhow::Result<*mut c_void> {
    let Some(Ok(lib)) = LIBRARY.get() else {
        return Err(anyhow!("libsecret is not loaded"));
    };
    // SAFETY: the handle came from dlopen; the name is a C string.
    let sym = unsafe { libc::dlsym(lib.0 as *mut c_void, name.as_ptr()) };
    if sym.is_null() {
        return Err(anyhow!("{}", dlerror()).context("dlsym failed"));
    }
    Ok(sym)
}

fn schema() -> Schema {
    const EMPTY: SchemaAttribute = SchemaAttribute {
        name: std::ptr::null(),
        kind: 0,
    };
    let mut attributes = [EMPTY; 32];
    attributes[0] = SchemaAttribute {
        name: c"url".as_ptr(),
        kind: 0, // SECRET_SCHEMA_ATTRIBUTE_STRING
    };
    Schema {
        name: SCHEMA_NAME.as_ptr(),
        flags: 0, // SECRET_SCHEMA_NONE
        attributes,
        reserved: 0,
        reserved_ptrs: [std::ptr::null_mut(); 7],
    }
}

/// The message of a `GError`, if one was set.
fn take_error(err: *mut GError) -> Option<String> {
    if err.is_null() {
        return None;
    }
    // SAFETY: libsecret set a valid GError (never freed: a few bytes once
    // per failed command).
    let e = unsafe { &*err };
    if e.message.is_null() {
        return Some("unknown error".into());
    }
    // SAFETY: GError messages are NUL-terminated.
    Some(
        unsafe { CStr::from_ptr(e.message) }
            .to_string_lossy()
            .into_owned(),
    )
}

pub fn perform(registry: &RegistryInfo, action: &Action) -> Result<Reply, ProviderError> {
    inner(registry, action).map_err(ProviderError::Other)?
}

fn inner(registry: &RegistryInfo, action: &Action) -> anyhow::Result<Result<Reply, ProviderError>> {
    let schema = schema();
    let url = CString::new(registry.index_url.as_str())?;
    let mut err: *mut GError = std::ptr::null_mut();
    match action {
        Action::Get(_) => {
            // SAFETY: the symbol has libsecret's documented signature.
            let lookup: Lookup =
                unsafe { std::mem::transmute(symbol(c"secret_password_lookup_sync")?) };
            // SAFETY: schema and strings live across the call; the
            // attribute list ends with a null pointer.
            let found = unsafe {
                lookup(
                    &schema,
                    std::ptr::null_mut(),
                    &mut err,
                    c"url".as_ptr(),
                    url.as_ptr(),
                    std::ptr::null::<c_char>(),
                )
            };
            if let Some(m) = take_error(err) {
                return Err(anyhow!("failed to get token: {m}"));
            }
            if found.is_null() {
                return Ok(Err(ProviderError::NotFound));
            }
            // SAFETY: a NUL-terminated password from libsecret.
            let token = unsafe { CStr::from_ptr(found) }
                .to_str()
                .map(str::to_string)
                .context("expected utf8 token");
            Ok(Ok(Reply::Token {
                token: token?,
                cache: CacheControl::Session,
                operation_independent: true,
            }))
        }
        Action::Login { token, login_url } => {
            let token = match token {
                Some(t) => t.clone(),
                None => crate::ops::login::prompt_token(login_url.as_deref(), registry)?,
            };
            let label = CString::new(format!(
                "cargo-registry:{}",
                registry.name.as_deref().unwrap_or(&registry.index_url)
            ))?;
            let secret = CString::new(token)?;
            // SAFETY: as above.
            let store: Store =
                unsafe { std::mem::transmute(symbol(c"secret_password_store_sync")?) };
            // SAFETY: as above.
            unsafe {
                store(
                    &schema,
                    c"default".as_ptr(),
                    label.as_ptr(),
                    secret.as_ptr(),
                    std::ptr::null_mut(),
                    &mut err,
                    c"url".as_ptr(),
                    url.as_ptr(),
                    std::ptr::null::<c_char>(),
                )
            };
            if let Some(m) = take_error(err) {
                return Err(anyhow!("failed to store token: {m}"));
            }
            Ok(Ok(Reply::Login))
        }
        Action::Logout => {
            // SAFETY: as above.
            let clear: Clear =
                unsafe { std::mem::transmute(symbol(c"secret_password_clear_sync")?) };
            // SAFETY: as above.
            unsafe {
                clear(
                    &schema,
                    std::ptr::null_mut(),
                    &mut err,
                    c"url".as_ptr(),
                    url.as_ptr(),
                    std::ptr::null::<c_char>(),
                )
            };
            if let Some(m) = take_error(err) {
                return Err(anyhow!("failed to erase token: {m}"));
            }
            Ok(Ok(Reply::Logout))
        }
    }
}
