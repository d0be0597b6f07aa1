"""End-to-end browser test (upload, live progress, playback with captions): to be written once
the consumers exist. Pages expose stable hooks for it: `#video-status`, `#transcript`,
`video#player` with a `<track>`, `#upload-form` (fields `title`, `file`), `#signup-form`."""
