// Kept out of index.html so the Content-Security-Policy can forbid inline scripts.
window.ui = SwaggerUIBundle({ url: "/openapi.yaml", dom_id: "#docs", deepLinking: true });
