/**
 * The application: builds every service once ({@link org.portcullis.app.Services}) and wires the
 * listeners in named start-up steps that close in reverse if one fails. The only package that
 * chooses concrete implementations.
 */
package org.portcullis.app;
