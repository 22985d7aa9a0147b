/**
 * Files private to the service: directories 0700 and files 0600 whatever the umask, the start-up
 * check of modes, and file errors said in words.
 */
package org.portcullis.files;
