// Runs one path of SigningKey with a key read from stdin into a Uint8Array filled from JavaScript, disposes the
// key, wipes this script's own copies of the secret, then says "ready" and waits, so that residue/scan.py
// (through scan_node.py) can read this Node process's memory and count what is left of the key. The scanner, not
// this script, knows what to look for.
//
// Usage: node driver.cjs PATH STORAGE
//   PATH:    init-clear | sign | sign-url | build-query | headers | control | baseline
//            (control: sign and do not dispose, so the scanner must find the live key; baseline: fill and wipe
//            the Uint8Array exactly the same way but never give it to the binding, so the scanner sees what this
//            process holds without the binding's help)
//   STORAGE: uint8array (a `new Uint8Array(n)` filled byte by byte: V8 keeps arrays of 64 bytes or fewer in its
//            own heap) | string (the key as a JavaScript string, which no one can wipe: reported, not checked)
// stdin:  "FORMAT LEN\n" (FORMAT: text | base64), then LEN bytes of secret; later, any byte to exit.
// stdout: "ready\n" once the path is done and the key disposed.
'use strict';

const { readSync } = require('node:fs');
const { SigningKey } = require('unleashed-signer');

const [, , path, storage] = process.argv;

// Unbuffered reads into memory outside V8's heap (an ArrayBuffer's store never moves), wiped below.
function readExactly(length) {
    const into = new Uint8Array(new ArrayBuffer(Math.max(length, 1)));
    for (let done = 0; done < length; ) done += readSync(0, into, done, length - done, null);
    return into;
}

let header = '';
for (;;) {
    const byte = readExactly(1)[0];
    if (byte === 0x0a) break;
    header += String.fromCharCode(byte);
}
const [format, lengthText] = header.split(' ');
const length = Number(lengthText);
const input = readExactly(length);

let secret;
if (storage === 'uint8array') {
    // Filled from JavaScript, as a program that decodes or derives its key would: on V8's heap when short.
    secret = new Uint8Array(length);
    for (let i = 0; i < length; i++) secret[i] = input[i];
} else if (storage === 'string') {
    secret = String.fromCharCode(...input);
} else {
    throw new Error(`driver.cjs: unknown storage ${storage}`);
}
input.fill(0);

const query = 'customerName=Acme%20Sons&startDate=2024-01-01';
const url = 'https://api.unleashedsoftware.com/Customers?customerName=Acme%20Sons';
let key;
if (path !== 'baseline') {
    key = new SigningKey(secret, { format });
    switch (path) {
        case 'init-clear':
            break;
        case 'sign':
        case 'control':
            key.sign(query);
            break;
        case 'sign-url':
            key.signUrl(url);
            break;
        case 'build-query':
            key.buildQuery([['customerName', 'Acme Sons'], ['startDate', '2024-01-01']]);
            break;
        case 'headers':
            key.headers(url, { apiId: '0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D', clientType: 'acme/orderautomation' });
            break;
        default:
            throw new Error(`driver.cjs: unknown path ${path}`);
    }
}
if (storage === 'uint8array') secret.fill(0); // the caller's own wipe, as the README tells it to
if (path !== 'control' && key !== undefined) key.dispose();

process.stdout.write('ready\n');
readExactly(1);
if (path === 'control') key.dispose();
