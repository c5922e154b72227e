using Telemed.Dicom.Data;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Files;

/// <summary>
/// Writes the start of a Part 10 file — preamble, "DICM" and File Meta Information (PS3.10 §7.1) — for a data set
/// whose bytes the caller streams after it unchanged, as a storage SCP does with a received data set.
/// </summary>
public static class DicomFileMetaWriter
{
    /// <summary>
    /// Deterministic for the same arguments, so the same data set received twice makes the same file (and blob hash).
    /// </summary>
    public static void Write(Stream output, string sopClassUid, string sopInstanceUid, DicomTransferSyntax transferSyntax,
        string? sourceAeTitle = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(transferSyntax);
        var meta = new List<DicomElement>
        {
            // PS3.10 Table 7.1-1: (0002,0000) is recomputed by the writer from the elements that follow.
            Element(DicomTag.FileMetaInformationGroupLength, DicomVR.UL, [0, 0, 0, 0]),
            Element(new DicomTag(0x0002, 0x0001), DicomVR.OB, [0x00, 0x01]),
            Element(new DicomTag(0x0002, 0x0002), DicomVR.UI, Ascii(sopClassUid, 0)),
            Element(new DicomTag(0x0002, 0x0003), DicomVR.UI, Ascii(sopInstanceUid, 0)),
            Element(DicomTag.TransferSyntaxUid, DicomVR.UI, Ascii(transferSyntax.Uid, 0)),
            Element(new DicomTag(0x0002, 0x0012), DicomVR.UI, Ascii(DicomFile.ImplementationClassUid, 0)),
            Element(new DicomTag(0x0002, 0x0013), DicomVR.SH, Ascii(DicomFile.ImplementationVersionName, (byte)' ')),
        };
        if (!string.IsNullOrEmpty(sourceAeTitle))
        {
            meta.Add(Element(new DicomTag(0x0002, 0x0016), DicomVR.AE, Ascii(sourceAeTitle, (byte)' ')));
        }

        output.Write(new byte[128]);
        output.Write("DICM"u8);
        new DicomWriter(explicitVR: true, bigEndian: false).Write(new DicomDataset(meta, Text.DicomCharacterSet.Default), output);
    }

    private static DicomElement Element(DicomTag tag, DicomVR vr, byte[] value) => new(tag, vr, value, -1, isBigEndian: false);

    private static byte[] Ascii(string value, byte padding) =>
        System.Text.Encoding.ASCII.GetBytes(value.Length % 2 == 1 ? value + (char)padding : value);
}
