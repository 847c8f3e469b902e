//! Bring an image: storage account, VHD upload as a page blob, image creation.
