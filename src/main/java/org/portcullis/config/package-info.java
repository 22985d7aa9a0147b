/**
 * The configuration file: TOML read with Jackson into typed records, every key validated with its
 * limits and every error naming the key. Nothing outside this package parses configuration text.
 */
package org.portcullis.config;
