"""Framework-free signature handling: ink strokes in, validated and normalised, PNG/SVG out
(`ink`); the audit certificate page and document metadata (`certificate`, drawn directly by
`certificate_pdf`); the agency's PAdES seal and its check (`seal`). Each is imported on its
own: a web worker needs the ink, not the libraries that seal and draw PDFs."""
