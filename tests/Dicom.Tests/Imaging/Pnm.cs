using System.Globalization;
using System.Text;

namespace Telemed.Dicom.Tests.Imaging;

/// <summary>Reads the PGM/PPM files dcm2pnm writes: ASCII (P2, P3) or binary (P5, P6), maximum 255.</summary>
internal sealed record Pnm(int Width, int Height, int Channels, byte[] Pixels)
{
    public static Pnm Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        int at = 0;
        string magic = Token(file, ref at);
        int width = int.Parse(Token(file, ref at), CultureInfo.InvariantCulture);
        int height = int.Parse(Token(file, ref at), CultureInfo.InvariantCulture);
        int maximum = int.Parse(Token(file, ref at), CultureInfo.InvariantCulture);
        if (maximum != 255)
        {
            throw new InvalidDataException($"{path}: maximum {maximum}, expected 8-bit output");
        }

        int channels = magic is "P3" or "P6" ? 3 : 1;
        byte[] pixels = new byte[width * height * channels];
        if (magic is "P5" or "P6")
        {
            file.AsSpan(at + 1, pixels.Length).CopyTo(pixels);
        }
        else
        {
            for (int i = 0; i < pixels.Length; i++)
            {
                pixels[i] = byte.Parse(Token(file, ref at), CultureInfo.InvariantCulture);
            }
        }

        return new Pnm(width, height, channels, pixels);
    }

    private static string Token(byte[] file, ref int at)
    {
        while (at < file.Length && (char.IsWhiteSpace((char)file[at]) || file[at] == '#'))
        {
            if (file[at] == '#')
            {
                while (at < file.Length && file[at] != '\n')
                {
                    at++;
                }
            }
            else
            {
                at++;
            }
        }

        var token = new StringBuilder();
        while (at < file.Length && !char.IsWhiteSpace((char)file[at]))
        {
            token.Append((char)file[at++]);
        }

        return token.ToString();
    }
}
