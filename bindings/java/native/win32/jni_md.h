/*
 * jni_md.h for Windows x64, written for bindings/java/build-windows.sh: Linux JDKs ship only include/linux/jni_md.h,
 * and the JNI library for Windows is cross-compiled with MinGW on Linux. It states what the JNI specification and
 * the Windows ABI fix: exported functions are dllexport, JNICALL is __stdcall (ignored on x64), jint is 32 bits,
 * jlong 64 bits (long is 32 bits on Windows, hence long long), jbyte a signed char.
 */
#ifndef _JAVASOFT_JNI_MD_H_
#define _JAVASOFT_JNI_MD_H_

#define JNIEXPORT __declspec(dllexport)
#define JNIIMPORT __declspec(dllimport)
#define JNICALL __stdcall

typedef long jint;
typedef long long jlong;
typedef signed char jbyte;

#endif /* !_JAVASOFT_JNI_MD_H_ */
